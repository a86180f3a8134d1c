import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentChecksums, frozenFiles, pinnedChecksums } from './checksums';

describe('migrations', () => {
  it('never change once written (a new one is pinned with `npm run migrations:checksums`)', () => {
    expect(currentChecksums()).toEqual(pinnedChecksums());
  });

  it('import nothing but the migration base class and frozen SQL', () => {
    for (const file of frozenFiles()) {
      const source = readFileSync(join(__dirname, file), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((match) => `${file}: ${match[1]}`);
      for (const line of imports) {
        expect(line).toMatch(/: (@mikro-orm\/migrations|\.\.\/shared\/[\w-]+\.v\d+)$/);
      }
    }
  });
});
