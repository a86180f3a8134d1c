import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('hashes at the given cost and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse', 10);
    expect(stored).toMatch(/^scrypt\$10\$8\$1\$/);
    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('wrong horse', stored)).resolves.toBe(false);
  });

  it('verifies a hash made at another cost, whatever the current one', async () => {
    const older = await hashPassword('correct horse', 11);
    await expect(verifyPassword('correct horse', older)).resolves.toBe(true);
  });
});
