import { PostgreSqlExceptionConverter } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { DatabaseError } from 'pg';
import { redactSqlValues } from './logger';
import { capturingLogger } from './testing';

/**
 * A failed insert as the ORM raises it: pg's `DatabaseError` with the server's fields, its message
 * prefixed by the statement with every parameter inlined (as knex does), converted by MikroORM.
 */
function failedInsert(): Error {
  const sql =
    'insert into "users" ("id", "email", "password_hash", "full_name") values ' +
    "('984fcce8-9cb3-44b0-afce-9ab7465ff1f1', 'olga@example.com', '$2b$12$hashhashhash', 'Olga O''Neil')";
  const database = new DatabaseError(
    `${sql} - duplicate key value violates unique constraint "users_email_unique"`,
    214,
    'error',
  );
  Object.assign(database, {
    severity: 'ERROR',
    code: '23505',
    detail: 'Key (email)=(olga@example.com) already exists.',
    table: 'users',
    constraint: 'users_email_unique',
  });
  return new PostgreSqlExceptionConverter().convertException(database);
}

const PERSONAL = ['olga@example.com', '$2b$12$hashhashhash', 'Neil'];

describe('logs without secrets or personal data', () => {
  it('keeps a failed statement and its reason, but none of its values', () => {
    const { log, lines } = capturingLogger();
    const error = failedInsert();
    expect(error.name).toBe('UniqueConstraintViolationException');
    log.error({ err: error }, 'internal error');

    const written = JSON.stringify(lines);
    for (const value of PERSONAL) expect(written).not.toContain(value);
    const err = lines[0].err as Record<string, string>;
    expect(err.message).toContain('insert into "users" ("id", "email", "password_hash", "full_name") values');
    expect(err.message).toContain('duplicate key value violates unique constraint "users_email_unique"');
    expect(err.detail).toBe('Key (email)=([REDACTED]) already exists.');
    expect(err.code).toBe('23505');
  });

  it('redacts a database error wrapped in a GraphQL error, as a resolver raises it', () => {
    const { log, lines } = capturingLogger();
    const original = failedInsert();
    log.error({ err: new GraphQLError(original.message, { originalError: original }) }, 'internal error');
    const written = JSON.stringify(lines);
    for (const value of PERSONAL) expect(written).not.toContain(value);
  });

  it('redacts a failure logged as its message only', () => {
    const { log, lines } = capturingLogger();
    log.error({ error: failedInsert().message }, 'event dead-lettered');
    const written = JSON.stringify(lines);
    for (const value of PERSONAL) expect(written).not.toContain(value);
    expect(lines[0].error).toContain('duplicate key value violates unique constraint');
  });

  it('censors credentials, tokens and request variables wherever a line carries them', () => {
    const { log, lines } = capturingLogger();
    log.warn(
      {
        authorization: 'Bearer eyJhbGciOi.secret.token',
        request: { headers: { authorization: 'Bearer abc.def.ghi' }, variables: { password: 'hunter22' } },
        user: { password: 'hunter22', passwordHash: '$2b$12$hashhashhash' },
        jwtSecret: 'a-very-secret-signing-key',
      },
      'suspicious request',
    );
    const written = JSON.stringify(lines);
    for (const secret of ['eyJhbGciOi', 'abc.def.ghi', 'hunter22', '$2b$12$', 'a-very-secret-signing-key']) {
      expect(written).not.toContain(secret);
    }
    expect(lines[0].msg).toBe('suspicious request');
  });

  it('leaves text that is not about SQL as it is', () => {
    expect(redactSqlValues("Cannot read properties of undefined (reading 'id')")).toBe(
      "Cannot read properties of undefined (reading 'id')",
    );
    expect(redactSqlValues('Failing row contains (42, olga@example.com, null).')).toBe(
      'Failing row contains ([REDACTED]).',
    );
  });
});
