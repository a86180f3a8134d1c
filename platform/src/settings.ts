import { z } from 'zod';

/**
 * Configuration is read once, at start-up, from the environment, through this module only:
 * each service declares its variables as a {@link SettingsSpec} (name, schema, default and a
 * description), {@link readSettings} validates all of them and fails fast with a message naming
 * every bad variable. Nothing deeper reads `process.env`. The README's configuration table is
 * tested against the specs (`scripts/config-table.test.ts`).
 */
export interface Setting<T> {
  /** Environment variable name. */
  variable: string;
  /** One line for the README's table. */
  description: string;
  /** The default as the README shows it. */
  defaultText: string;
  /** Parses the raw string (undefined when unset or empty) into the value. */
  schema: z.ZodType<T, string | undefined>;
}

export type SettingsSpec<T> = { readonly [K in keyof T]: Setting<T[K]> };

/** Thrown by {@link readSettings}; names every variable that is wrong. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

const unsetWhenEmpty = (raw: unknown): unknown =>
  typeof raw === 'string' && raw.trim() === '' ? undefined : raw;

function make<T>(
  variable: string,
  description: string,
  defaultText: string,
  schema: z.ZodType<T, unknown>,
): Setting<T> {
  return {
    variable,
    description,
    defaultText,
    schema: z.preprocess(unsetWhenEmpty, schema) as Setting<T>['schema'],
  };
}

interface IntegerBounds {
  min?: number;
  max?: number;
}

/** Builders for the kinds of setting the project has. */
export const setting = {
  integer(variable: string, description: string, fallback: number, { min = 0, max }: IntegerBounds = {}) {
    let schema = z.coerce.number().int().min(min);
    if (max !== undefined) schema = schema.max(max);
    return make<number>(variable, description, String(fallback), schema.default(fallback));
  },
  number(variable: string, description: string, fallback: number, { min = 0 }: { min?: number } = {}) {
    return make<number>(variable, description, String(fallback), z.coerce.number().gt(min).default(fallback));
  },
  string(variable: string, description: string, fallback: string) {
    return make<string>(
      variable,
      description,
      fallback === '' ? '(empty)' : fallback,
      z.string().default(fallback),
    );
  },
  /** A string with no default: `undefined` when unset. */
  optional(variable: string, description: string) {
    return make<string | undefined>(variable, description, '(unset)', z.string().optional());
  },
  url(variable: string, description: string, fallback: string) {
    return make<string>(variable, description, fallback, z.url().default(fallback));
  },
  boolean(variable: string, description: string, fallback: boolean) {
    const schema = z
      .enum(['true', 'false', '1', '0'], { message: 'expected true or false' })
      .transform((raw) => raw === 'true' || raw === '1')
      .default(fallback);
    return make<boolean>(variable, description, String(fallback), schema);
  },
  oneOf<const TValue extends string>(
    variable: string,
    description: string,
    values: readonly [TValue, ...TValue[]],
    fallback: TValue,
  ) {
    return make<TValue>(
      variable,
      description,
      fallback,
      z.enum(values).default(fallback) as z.ZodType<TValue>,
    );
  },
  /** A comma-separated list. */
  list(variable: string, description: string, fallback: readonly string[]) {
    const schema = z
      .string()
      .transform((raw) =>
        raw
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string()).min(1, 'expected at least one item'))
      .default([...fallback]);
    return make<string[]>(variable, description, fallback.join(','), schema);
  },
};

/**
 * Validates every variable of `spec` in `env` and returns the typed values. All problems are
 * reported at once: `ORDER_EXPIRY_SWEEP_MS: expected an integer, got "soon"`.
 */
export function readSettings<T>(spec: SettingsSpec<T>, env: NodeJS.ProcessEnv = process.env): T {
  const values: Partial<T> = {};
  const problems: string[] = [];
  for (const key of Object.keys(spec) as (keyof T)[]) {
    const { variable, schema } = spec[key];
    const raw = env[variable];
    const parsed = schema.safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else
      problems.push(
        `${variable}: ${parsed.error.issues[0]?.message ?? 'invalid'}, got ${JSON.stringify(raw)}`,
      );
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return values as T;
}

/** Every setting a spec declares, for documentation and the README check. */
export const settingsOf = <T>(spec: SettingsSpec<T>): Setting<unknown>[] =>
  Object.values(spec) as Setting<unknown>[];
