import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Applied migrations are frozen: once a migration may have run on some database, its SQL must
 * never change, or two databases at the "same" version differ. Every migration file and the
 * frozen SQL they import (`shared/*.v<N>.ts`) are pinned by checksum in `checksums.json`; a new
 * migration is pinned with `npm run migrations:checksums`, an old one is never edited.
 */
const root = __dirname;
export const CHECKSUMS_FILE = join(root, 'checksums.json');

export function frozenFiles(): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /^(Migration\d+|.*\.v\d+)\.ts$/.test(entry.name)) {
      files.push(relative(root, join(entry.parentPath, entry.name)));
    }
  }
  return files.sort();
}

export const currentChecksums = (): Record<string, string> =>
  Object.fromEntries(
    frozenFiles().map((file) => [
      file,
      createHash('sha256')
        .update(readFileSync(join(root, file)))
        .digest('hex'),
    ]),
  );

export const pinnedChecksums = (): Record<string, string> =>
  JSON.parse(readFileSync(CHECKSUMS_FILE, 'utf8')) as Record<string, string>;

/** Pins migrations that are not pinned yet; never re-pins a changed one. */
export function pinNewMigrations(): string[] {
  const pinned = pinnedChecksums();
  const added = Object.entries(currentChecksums()).filter(([file]) => !(file in pinned));
  writeFileSync(CHECKSUMS_FILE, `${JSON.stringify({ ...pinned, ...Object.fromEntries(added) }, null, 2)}\n`);
  return added.map(([file]) => file);
}

if (require.main === module) {
  const added = pinNewMigrations();
  process.stdout.write(added.length ? `pinned ${added.join(', ')}\n` : 'nothing new to pin\n');
}
