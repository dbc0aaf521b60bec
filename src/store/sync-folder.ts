/**
 * Makes a rename or removal in a folder survive a power cut: the folder's own entry is synced.
 * Callers say what a failure means. A restore must know (`throw`): it reports the file as in place.
 * A key file may go without (`ignore`): some platforms cannot open or sync a folder, and the rename
 * itself is still atomic there.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';

export type SyncFailurePolicy = 'throw' | 'ignore';

export function syncFolder(folder: string, onFailure: SyncFailurePolicy): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch (error) {
    if (onFailure === 'throw') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
