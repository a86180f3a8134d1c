import { randomUUID } from 'node:crypto';
import { badUserInput } from './errors';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const newId = (): string => randomUUID();

export const isId = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);

/** Validates a client-supplied ID; a malformed one is `BAD_USER_INPUT` naming the argument. */
export function parseId(value: unknown, field = 'id'): string {
  if (!isId(value)) throw badUserInput(`${field} must be a valid ID`, field);
  return value.toLowerCase();
}

/** Postgres array literal for `= ANY(?::uuid[])`; only ever called with validated IDs. */
export function uuidArrayLiteral(ids: readonly string[]): string {
  for (const id of ids) if (!isId(id)) throw new Error(`not a uuid: ${id}`);
  return `{${ids.join(',')}}`;
}
