import {
  buildSchema,
  executeSync,
  printSchema,
  type FormattedExecutionResult,
  type GraphQLSchema,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
} from 'graphql';
import { maskInternalErrors, type Logger } from '@marketplace/platform';
import type { Caller, ExecuteAsCaller } from './auth';
import { eventFields, type OrderStatusChangedEvent, type OrderStatusEventFields } from './order-event';
import type { PreparedSubscription } from './validation';

/** Renders one event for one subscription as its caller would see it. */
export type RenderEvent = (
  prepared: PreparedSubscription,
  caller: Caller,
) => Promise<FormattedExecutionResult>;

const viewerKey = (caller: Caller): string => `${caller.viewer.userId}/${caller.viewer.role}`;

const resolverFreeCopies = new WeakMap<GraphQLSchema, GraphQLSchema>();

/**
 * The API schema without resolvers. Apollo Server wraps the resolvers of the schema it serves
 * (plugin instrumentation), and those wrappers ignore a `fieldResolver` passed to `execute`; events
 * are rendered on a plain copy instead, built once per schema version.
 */
function resolverFree(schema: GraphQLSchema): GraphQLSchema {
  let copy = resolverFreeCopies.get(schema);
  if (!copy) {
    copy = buildSchema(printSchema(schema));
    resolverFreeCopies.set(schema, copy);
  }
  return copy;
}

/**
 * Builds the payloads of events. The event carries the status fields; `order { … }` is fetched by
 * running the subscription's own order selection through the gateway as the subscriber — once per
 * event for each distinct (selection, variables, viewer), however many subscribers share it.
 */
export class PayloadExecutor {
  private readonly mask: ReturnType<typeof maskInternalErrors>;

  constructor(
    private readonly execute: ExecuteAsCaller,
    private readonly log: Logger,
  ) {
    this.mask = maskInternalErrors(log);
  }

  /** A renderer for one event; its fetches are shared by every subscription it renders for. */
  forEvent(event: OrderStatusChangedEvent): RenderEvent {
    const fields = eventFields(event);
    const fetches = new Map<string, Promise<FormattedExecutionResult>>();
    return async (prepared, caller) => {
      let order: FormattedExecutionResult | undefined;
      if (prepared.orderQuery) {
        const { text, orderIdVariable } = prepared.orderQuery;
        const variables = { ...prepared.orderQueryVariables, [orderIdVariable]: event.orderId };
        const key = JSON.stringify([text, variables, viewerKey(caller)]);
        let fetch = fetches.get(key);
        if (!fetch) {
          fetch = this.fetchOrder(text, variables, caller);
          fetches.set(key, fetch);
        }
        order = await fetch;
      }
      return this.render(prepared, fields, order);
    };
  }

  private async fetchOrder(
    query: string,
    variables: Record<string, unknown>,
    caller: Caller,
  ): Promise<FormattedExecutionResult> {
    try {
      return await this.execute(query, variables, caller);
    } catch (error) {
      this.log.error({ err: error }, 'could not resolve the order of a subscription event');
      return {
        data: null,
        errors: [{ message: 'Could not load the order', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      };
    }
  }

  /**
   * Executes the client's document over the event with graphql-js: fields of the event come from
   * `fields`, everything under `order` from the fetched data, read by response key (the fetch kept
   * the client's aliases). Errors of the fetch keep their paths under the root field.
   */
  private render(
    prepared: PreparedSubscription,
    fields: OrderStatusEventFields,
    order: FormattedExecutionResult | undefined,
  ): FormattedExecutionResult {
    const orderData = (order?.data ?? null) as Record<string, unknown> | null;
    const schema = resolverFree(prepared.schema);
    const subscriptionType = schema.getSubscriptionType();
    const fieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
      if (info.parentType === subscriptionType) return fields;
      if (info.parentType.name === 'OrderStatusEvent') {
        if (info.fieldName === 'order') return orderData?.[info.path.key as string] ?? null;
        return (source as Record<string, unknown>)[info.fieldName];
      }
      return (source as Record<string, unknown> | null)?.[info.path.key as string] ?? null;
    };
    const result = executeSync({
      schema,
      document: prepared.document,
      operationName: prepared.operationName,
      variableValues: prepared.variables,
      fieldResolver,
    });
    const errors: GraphQLFormattedError[] = [
      ...(order?.errors ?? []).map((error) => ({
        ...error,
        path: error.path ? [prepared.responseKey, ...error.path] : undefined,
      })),
      ...(result.errors ?? []).map((error) => this.mask(error.toJSON(), error)),
    ];
    return errors.length > 0 ? { data: result.data ?? null, errors } : { data: result.data ?? null };
  }
}
