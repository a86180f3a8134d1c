import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
// From the sources: `npm start` reads the secret before it builds the workspaces.
import { randomJwtSecret } from '../platform/src/auth';
import { MIN_JWT_SECRET_LENGTH } from '../platform/src/config';
import { ROOT } from './schema/subgraphs';

/**
 * The signing secret `npm start` gives every service: generated once per checkout and kept in
 * `<root>/.local/jwt-secret` (git-ignored, readable by the owner only), so tokens survive a
 * restart while no usable secret is ever in the source. A file too short to be a secret is replaced.
 */
export function localJwtSecret(root: string = ROOT): string {
  const file = join(root, '.local', 'jwt-secret');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= MIN_JWT_SECRET_LENGTH) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomJwtSecret();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** `env` as `npm start` passes it to every service: with the checkout's secret unless one is set. */
export const withLocalJwtSecret = (env: NodeJS.ProcessEnv, root: string = ROOT): NodeJS.ProcessEnv => ({
  ...env,
  JWT_SECRET: env.JWT_SECRET || localJwtSecret(root),
});
