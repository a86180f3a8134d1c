import { DomainError } from './errors';

/** A status change the machine does not allow. A client error: `BAD_USER_INPUT`, reason `ILLEGAL_TRANSITION`. */
export class IllegalTransitionError<TState extends string = string> extends DomainError {
  override readonly name = 'IllegalTransitionError';

  constructor(
    readonly machine: string,
    readonly from: TState,
    readonly to: TState,
    message: string,
  ) {
    super('BAD_USER_INPUT', message, { reason: 'ILLEGAL_TRANSITION', status: from, requestedStatus: to });
  }
}

/** What a state machine's table and hooks look like; transitions are data. */
export interface StateMachineDefinition<TState extends string, TSubject, TContext> {
  /** Name used in messages, e.g. `order`. */
  name: string;
  /** Every state with the states it may move to; a state with none is final. */
  transitions: Readonly<Record<TState, readonly TState[]>>;
  /** The message of a refused change. Default: "A <name> cannot change from X to Y". */
  describeRefusal?: (from: TState, to: TState) => string;
  /** Checks beyond the table (e.g. a cancellation needs a reason); throws to refuse. */
  guard?: (subject: TSubject, to: TState, context: TContext) => void;
  /** Runs after the state changed, e.g. to append a history row or stamp a date. */
  onTransition?: (subject: TSubject, from: TState, to: TState, context: TContext) => void;
}

/**
 * One small state machine type for every stateful entity (order, payment, delivery): the
 * transition table is data, {@link transition} is the only way a subject's status changes, and
 * the definition's hooks add guards and side effects such as the status history.
 */
export class StateMachine<TState extends string, TSubject extends { status: TState }, TContext = void> {
  readonly states: readonly TState[];

  constructor(private readonly definition: StateMachineDefinition<TState, TSubject, TContext>) {
    this.states = Object.keys(definition.transitions) as TState[];
  }

  get name(): string {
    return this.definition.name;
  }

  can(from: TState, to: TState): boolean {
    return this.definition.transitions[from].includes(to);
  }

  /** The states `from` leads to. */
  next(from: TState): readonly TState[] {
    return this.definition.transitions[from];
  }

  isFinal(state: TState): boolean {
    return this.definition.transitions[state].length === 0;
  }

  /** Throws {@link IllegalTransitionError} unless `from → to` is in the table. */
  assert(from: TState, to: TState): void {
    if (this.can(from, to)) return;
    const describe =
      this.definition.describeRefusal ??
      ((a: TState, b: TState) => `A ${this.name} cannot change from ${a} to ${b}`);
    throw new IllegalTransitionError(this.name, from, to, describe(from, to));
  }

  /** Moves `subject` to `to` after the table and the guard allow it, then runs `onTransition`. */
  transition(subject: TSubject, to: TState, context: TContext): void {
    const from = subject.status;
    this.assert(from, to);
    this.definition.guard?.(subject, to, context);
    subject.status = to;
    this.definition.onTransition?.(subject, from, to, context);
  }
}
