import { GraphQLError, Lexer, Source, TokenKind, type ASTNode, type GraphQLFormattedError } from 'graphql';

/** Which of the operation limits an operation broke. */
export type LimitName = 'depth' | 'aliases' | 'tokens' | 'directives' | 'cost';

/** The error code of an operation refused by a limit (DESIGN.md §9). */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/**
 * The one shape of a refusal, on every path (HTTP, WebSocket; validation, parsing, variables):
 * `extensions: { code: 'QUERY_TOO_COMPLEX', limit, measured, max }` and HTTP 400.
 */
export function tooComplex(limit: LimitName, measured: number, max: number, nodes?: ASTNode): GraphQLError {
  // JSON has no Infinity; a cost past any safe integer is reported as the largest one.
  const reported = Math.min(measured, Number.MAX_SAFE_INTEGER);
  return new GraphQLError(
    `Operation refused: ${MEASURES[limit]} ${reported}, more than the limit of ${max}`,
    {
      nodes,
      extensions: { code: QUERY_TOO_COMPLEX, limit, measured: reported, max, http: { status: 400 } },
    },
  );
}

/** How the message names each measurement. */
const MEASURES: Record<LimitName, string> = {
  depth: 'its depth is',
  aliases: 'its aliases number',
  tokens: 'its tokens number',
  directives: 'its directives number',
  cost: 'its estimated cost is',
};

const ARMOR_LIMITS: Record<string, LimitName> = {
  'Query depth': 'depth',
  Aliases: 'aliases',
  Directives: 'directives',
};

/** graphql-armor's message with `exposeLimits` (`Query depth limit of 12 exceeded, found 18.`). */
const ARMOR_MESSAGE = /(Query depth|Aliases|Directives) limit of (\d+) exceeded, found (\d+)/;

/** A graphql-armor rejection as a {@link tooComplex} error. */
export function fromArmorError(error: GraphQLError): GraphQLError {
  const [, what = '', max, measured] = ARMOR_MESSAGE.exec(error.message) ?? [];
  const limit = ARMOR_LIMITS[what];
  if (limit) return tooComplex(limit, Number(measured), Number(max));
  // Another armor version's wording: still a refusal, with its own message.
  return new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
    extensions: { code: QUERY_TOO_COMPLEX, http: { status: 400 } },
  });
}

/** graphql-js's `parse(…, { maxTokens })` refusal (16.x spells it "more that"). */
const TOKEN_MESSAGE = /Document contains more th[ae][nt] (\d+) tokens/;

/** Every token of a document (lexing is linear and far cheaper than parsing). */
export function countTokens(body: string): number {
  const lexer = new Lexer(new Source(body));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // A lexical error past the limit: the tokens before it are the measurement.
  }
  return count;
}

/** The token-limit parse error as a {@link tooComplex} error; undefined for any other error. */
export function fromTokenLimitError(error: unknown, body: string | undefined): GraphQLError | undefined {
  const message = error instanceof Error ? error.message : '';
  const match = TOKEN_MESSAGE.exec(message);
  if (!match || body === undefined) return undefined;
  return tooComplex('tokens', countTokens(body), Number(match[1]));
}

/** The original error behind the one Apollo wraps (a parse error is wrapped in its `SyntaxError`). */
const originalOf = (error: unknown): unknown =>
  error instanceof GraphQLError && error.originalError ? originalOf(error.originalError) : error;

/**
 * Wraps Apollo's `formatError`, which reports every validation error as
 * `GRAPHQL_VALIDATION_FAILED` and the token limit (it refuses a document while parsing, before any
 * rule runs) as `GRAPHQL_PARSE_FAILED`: both get the {@link tooComplex} shape back. Every other
 * error goes to `next`.
 */
export const formatLimitErrors =
  (next: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError) =>
  (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = originalOf(error);
    const source = error instanceof GraphQLError ? error.source?.body : undefined;
    const refused =
      original instanceof GraphQLError && original.extensions.code === QUERY_TOO_COMPLEX
        ? original
        : fromTokenLimitError(original, source);
    if (!refused) return next(formatted, error);
    const { http: _http, ...extensions } = refused.extensions;
    return { message: refused.message, locations: formatted.locations, extensions };
  };
