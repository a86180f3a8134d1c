import { buildSchema, GraphQLError, parse, validate, type GraphQLFormattedError } from 'graphql';
import { countTokens, formatLimitErrors, fromArmorError } from './errors';
import { operationLimitChecks } from './index';
import { registerSupergraph } from './rules';
import type { OperationLimits } from './settings';

const schema = buildSchema(`
  type Item { id: ID! children(first: Int): [Item!]! }
  type Query { items(first: Int): [Item!]! item: Item }
`);

const limits: OperationLimits = {
  maxDepth: 4,
  maxAliases: 2,
  maxTokens: 60,
  maxDirectives: 2,
  maxCost: 100,
  defaultListSize: 10,
};
const checks = operationLimitChecks(limits);

const refusals = (query: string): unknown[] =>
  validate(schema, parse(query), checks.validationRules).map((error) => error.extensions);

describe('operationLimitRules', () => {
  it('accepts an operation within every limit', () => {
    expect(refusals('{ items(first: 5) { id children(first: 2) { id } } }')).toEqual([]);
  });

  it.each([
    ['depth', '{ item { children { children { children { id } } } } }', 5, 4],
    ['aliases', '{ a: item { id } b: item { id } c: item { id } }', 3, 2],
    ['directives', '{ item @skip(if: false) { id @include(if: true) } x: __typename @skip(if: true) }', 3, 2],
    ['cost', '{ items(first: 20) { children(first: 10) { id } } }', 20 * (1 + 10), 100],
  ])(
    'refuses an operation over the %s limit with QUERY_TOO_COMPLEX and the measured value',
    (limit, query, measured, max) => {
      expect(refusals(query)).toContainEqual(
        expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit, measured, max }),
      );
    },
  );

  it('counts a fragment spread as no level of depth', () => {
    expect(
      refusals('{ item { ...A } } fragment A on Item { children(first: 1) { children(first: 1) { id } } }'),
    ).toEqual([]);
  });

  it('uses the cost model registered for the schema it validates against', () => {
    const annotated = buildSchema('type Query { tags: [String!]! things: [Thing!]! } type Thing { id: ID! }');
    const query = '{ things { id } }';
    expect(validate(annotated, parse(query), checks.validationRules)).toEqual([]);
    registerSupergraph(
      annotated,
      'type Query { things: [Thing!]! @listSize(assumedSize: 500) } type Thing { id: ID! }',
    );
    expect(
      validate(annotated, parse(query), checks.validationRules).map((error) => error.extensions),
    ).toEqual([expect.objectContaining({ limit: 'cost', measured: 500 })]);
  });
});

describe('fromArmorError', () => {
  it('keeps a refusal whose wording it does not know a QUERY_TOO_COMPLEX error', () => {
    const error = fromArmorError(new GraphQLError('Syntax Error: Something limit of 3 exceeded.'));
    expect(error.message).toBe('Something limit of 3 exceeded.');
    expect(error.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('the token limit', () => {
  const masked: GraphQLFormattedError = { message: 'masked', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  const format = formatLimitErrors(() => masked);
  const query = `{ ${Array.from({ length: 30 }, (_, index) => `a${index}: __typename`).join(' ')} }`;

  it('counts every token of a document', () => {
    expect(countTokens('{ a: b }')).toBe(5);
    expect(countTokens(query)).toBe(2 + 30 * 3);
  });

  it('turns the parser refusal into QUERY_TOO_COMPLEX with the document size', () => {
    let parseError: unknown;
    try {
      parse(query, checks.parseOptions);
    } catch (error) {
      parseError = error;
    }
    // Apollo wraps the parser's error in its own SyntaxError (GRAPHQL_PARSE_FAILED).
    const wrapped = new GraphQLError((parseError as Error).message, {
      source: (parseError as GraphQLError).source,
      originalError: parseError as Error,
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    expect(format({ message: wrapped.message }, wrapped)).toEqual({
      message: 'Operation refused: its tokens number 92, more than the limit of 60',
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', measured: 92, max: 60 },
    });
  });

  it('gives a limit back its code when Apollo reports it as a validation error', () => {
    const [refusal] = validate(schema, parse('{ a: item { id } b: item { id } c: item { id } }'), [
      ...checks.validationRules,
    ]);
    const wrapped = new GraphQLError(refusal!.message, {
      originalError: refusal,
      extensions: { ...refusal!.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(format({ message: wrapped.message }, wrapped).extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
      measured: 3,
      max: 2,
    });
  });

  it('leaves every other error to the next formatter', () => {
    expect(format({ message: 'boom' }, new Error('boom'))).toBe(masked);
  });
});
