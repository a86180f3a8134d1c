import { IllegalTransitionError, StateMachine } from './state-machine';

type Light = 'RED' | 'GREEN' | 'BROKEN';
interface Lamp {
  status: Light;
  history: string[];
}

const machine = new StateMachine<Light, Lamp, { by: string }>({
  name: 'lamp',
  transitions: { RED: ['GREEN', 'BROKEN'], GREEN: ['RED', 'BROKEN'], BROKEN: [] },
  guard: (_lamp, to, context) => {
    if (to === 'BROKEN' && context.by !== 'hammer') throw new Error('only a hammer breaks it');
  },
  onTransition: (lamp, from, to, context) => lamp.history.push(`${from}->${to} by ${context.by}`),
});

describe('StateMachine', () => {
  it('moves along an edge of the table and records it through the hook', () => {
    const lamp: Lamp = { status: 'RED', history: [] };
    machine.transition(lamp, 'GREEN', { by: 'timer' });
    expect(lamp).toEqual({ status: 'GREEN', history: ['RED->GREEN by timer'] });
  });

  it('refuses a change the table does not have, naming both states, and changes nothing', () => {
    const lamp: Lamp = { status: 'BROKEN', history: [] };
    let refusal: unknown;
    try {
      machine.transition(lamp, 'GREEN', { by: 'timer' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(IllegalTransitionError);
    expect(refusal).toMatchObject({
      code: 'BAD_USER_INPUT',
      from: 'BROKEN',
      to: 'GREEN',
      details: { reason: 'ILLEGAL_TRANSITION', status: 'BROKEN', requestedStatus: 'GREEN' },
      message: 'A lamp cannot change from BROKEN to GREEN',
    });
    expect(lamp).toEqual({ status: 'BROKEN', history: [] });
  });

  it('lets the guard refuse an edge of the table without changing the subject', () => {
    const lamp: Lamp = { status: 'GREEN', history: [] };
    expect(() => machine.transition(lamp, 'BROKEN', { by: 'wind' })).toThrow('only a hammer breaks it');
    expect(lamp.status).toBe('GREEN');
  });

  it('knows final states and next states', () => {
    expect(machine.isFinal('BROKEN')).toBe(true);
    expect(machine.isFinal('RED')).toBe(false);
    expect(machine.next('RED')).toEqual(['GREEN', 'BROKEN']);
    expect(machine.states).toEqual(['RED', 'GREEN', 'BROKEN']);
  });
});
