import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../platform/src/config';
import { localJwtSecret } from './local-secret';

describe('localJwtSecret (the secret npm start passes to every service)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mp-secret-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is generated once per checkout, kept in .local/jwt-secret for the owner only', () => {
    const secret = localJwtSecret(root);
    expect(localJwtSecret(root)).toBe(secret);
    expect(statSync(join(root, '.local', 'jwt-secret')).mode & 0o777).toBe(0o600);
    const otherCheckout = join(root, 'other-checkout');
    expect(localJwtSecret(otherCheckout)).not.toBe(secret);
  });

  it('is accepted by a production start', () => {
    const secret = localJwtSecret(root);
    expect(loadConfig('user', { NODE_ENV: 'production', JWT_SECRET: secret }).jwtSecret).toBe(secret);
  });

  it('replaces a stored value too short to be a secret', () => {
    localJwtSecret(root);
    writeFileSync(join(root, '.local', 'jwt-secret'), 'short\n');
    expect(localJwtSecret(root)).toHaveLength(43);
  });
});
