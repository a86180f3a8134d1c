import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@marketplace/platform';

/**
 * Serves the supergraph from a file and hands the gateway every new version written to it.
 * A version the gateway rejects (bad composition) is logged and the running schema stays.
 */
export function supergraphFromFile(path: string, log: Logger): SupergraphSdlHook {
  return async ({ update }) => {
    let current = await readFile(path, 'utf8');
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    const reload = async (): Promise<void> => {
      const next = await readFile(path, 'utf8').catch(() => current);
      if (next === current || next.trim() === '') return;
      try {
        update(next);
        current = next;
        log.info({ path }, 'supergraph reloaded');
      } catch (error) {
        log.error({ err: error, path }, 'supergraph update rejected; keeping the running schema');
      }
    };
    try {
      // Editors and `schema:compose` write in several steps; settle before reading.
      watcher = watch(path, () => {
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), 100);
      });
    } catch (error) {
      log.warn({ err: error, path }, 'cannot watch the supergraph file; hot reload disabled');
    }
    return {
      supergraphSdl: current,
      cleanup: async () => {
        clearTimeout(timer);
        watcher?.close();
      },
    };
  };
}
