import type { GraphQLError } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { testSchema } from '../../test/fixtures/api-schema';
import { defaultOperationLimits, operationLimitChecks } from '../limits';
import { prepareOperation as prepareWithLimits, type PreparedSubscription } from './validation';

const defaultLimits = operationLimitChecks(defaultOperationLimits());
const prepareOperation = (schema: typeof testSchema | undefined, payload: SubscribePayload) =>
  prepareWithLimits(schema, payload, defaultLimits);

const codes = (result: ReturnType<typeof prepareOperation>): unknown[] =>
  Array.isArray(result) ? result.map((error: GraphQLError) => error.extensions.code) : [];

describe('prepareOperation', () => {
  it('prepares a subscription with its root field, alias, order id and order query', () => {
    const prepared = prepareOperation(testSchema, {
      query: 'subscription ($id: ID!) { tracked: orderStatusChanged(orderId: $id) { version order { id } } }',
      variables: { id: 'a0000000-0000-4000-8000-000000000000' },
    }) as PreparedSubscription;
    expect(prepared).toMatchObject({
      kind: 'subscription',
      field: 'orderStatusChanged',
      responseKey: 'tracked',
      orderId: 'a0000000-0000-4000-8000-000000000000',
    });
    expect(prepared.orderQuery?.text).toContain('order(id: $orderId)');
  });

  it('gives equal keys to equal operations with equal variables only', () => {
    const query = 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version } }';
    const key = (id: string) =>
      (prepareOperation(testSchema, { query, variables: { id } }) as PreparedSubscription).key;
    expect(key('1')).toBe(key('1'));
    expect(key('1')).not.toBe(key('2'));
  });

  it('parses and validates an operation once per schema, however many subscribe with it', () => {
    const query = 'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version } }';
    const first = prepareOperation(testSchema, { query, variables: { id: '1' } }) as PreparedSubscription;
    const second = prepareOperation(testSchema, { query, variables: { id: '2' } }) as PreparedSubscription;
    expect(second.document).toBe(first.document);
    expect(second.orderId).toBe('2');
  });

  it('hands queries and mutations over to the gateway', () => {
    expect(prepareOperation(testSchema, { query: '{ order(id: "1") { id } }' })).toMatchObject({
      kind: 'operation',
    });
  });

  it.each([
    ['a syntax error', 'subscription {', {}, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', 'subscription { myOrderUpdates { secret } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
    [
      'a missing argument',
      'subscription { orderStatusChanged { version } }',
      {},
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'two root fields',
      'subscription { myOrderUpdates { version } orderStatusChanged(orderId: "1") { version } }',
      {},
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'an ill-typed variable',
      'subscription ($id: ID!) { orderStatusChanged(orderId: $id) { version } }',
      { id: true },
      'BAD_USER_INPUT',
    ],
  ])('refuses %s', (_case, query, variables, code) => {
    expect(codes(prepareOperation(testSchema, { query, variables }))).toEqual([code]);
  });

  it('refuses an operation name the document does not define', () => {
    const result = prepareOperation(testSchema, {
      query: 'subscription A { myOrderUpdates { version } }',
      operationName: 'B',
    });
    expect(codes(result)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
  });

  it.each([
    ['depth', { maxDepth: 2 }, 'subscription { myOrderUpdates { order { id } } }', 3, 2],
    // Refused while parsing, before the rest of the document is read.
    [
      'tokens',
      { maxTokens: 10 },
      'subscription { myOrderUpdates { version } a: __typename b: __typename }',
      13,
      10,
    ],
  ])('holds subscriptions to the %s limit', (limit, override, query, measured, max) => {
    const result = prepareWithLimits(
      testSchema,
      { query },
      operationLimitChecks({ ...defaultLimits.limits, ...override }),
    );
    expect(Array.isArray(result) && result.map((error) => error.extensions)).toEqual([
      { code: 'QUERY_TOO_COMPLEX', limit, measured, max },
    ]);
  });

  it('asks to retry while no schema is loaded', () => {
    expect(codes(prepareOperation(undefined, { query: '{ __typename }' }))).toEqual(['SERVICE_UNAVAILABLE']);
  });
});
