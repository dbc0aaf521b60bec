/**
 * Consistent copies of the SQLite database, and putting one back. A plain `cp` of the live file can
 * miss what is still in its write-ahead log, and copying over the file of a running bot mixes the
 * two; these go through SQLite itself (VACUUM INTO reads one consistent snapshot, even while the bot
 * writes) and replace the file whole, with its stale -wal and -shm removed.
 */
import {
  type Stats,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import { StoreOpenError } from './errors.js';
import { syncFolder } from './sync-folder.js';

function open(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (error) => (error ? reject(error) : resolve(db)));
  });
}
const all = (db: sqlite3.Database, sql: string, ...params: unknown[]) =>
  new Promise<Array<Record<string, unknown>>>((resolve, reject) =>
    db.all(sql, params, (e: Error | null, rows: Array<Record<string, unknown>>) => (e ? reject(e) : resolve(rows))),
  );
const close = (db: sqlite3.Database) => new Promise<void>((resolve) => db.close(() => resolve()));

/** How many records a database file holds, after SQLite checked every page of it. */
async function inspect(file: string): Promise<number> {
  if (statIfPresent(file)?.isDirectory())
    throw new StoreOpenError(`${file} is a folder, not a backup: name the backup file in it`);
  let db: sqlite3.Database | undefined;
  try {
    db = await open(file, sqlite3.OPEN_READONLY);
    const [check] = await all(db, 'PRAGMA integrity_check');
    if (check?.integrity_check !== 'ok')
      throw new StoreOpenError(`${file} is damaged (${String(check?.integrity_check)})`);
    const [count] = await all(db, 'SELECT count(*) AS n FROM keyv');
    return Number(count?.n ?? 0);
  } catch (error) {
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(`${file} is not a database of this bot (${(error as Error).message})`);
  } finally {
    if (db) await close(db);
  }
}

/** Writes a consistent copy of `file` to `destination` (which must not exist); returns the records copied. */
export async function backupDatabase(file: string, destination: string): Promise<number> {
  if (!existsSync(file)) throw new StoreOpenError(`there is no database at ${file}: check DATABASE_URL`);
  if (existsSync(destination)) throw new StoreOpenError(`${destination} already exists: pick a new file name`);
  // SQLite would only say "unable to open database file": name the folder, and what to do.
  const folder = dirname(destination);
  if (!statIfPresent(folder)?.isDirectory())
    throw new StoreOpenError(
      `the folder ${folder} does not exist: create it (mkdir -p ${folder}) or pick another place for the backup`,
    );
  // Written under another name in the same folder and linked into place once whole and checked:
  // a backup stopped part way (killed, disk full) never leaves a file that looks like a backup.
  const partial = `${destination}.partial`;
  const removePartial = () => {
    removeQuietly(partial);
    removeQuietly(`${partial}-journal`);
  };
  removePartial(); // what a killed run left
  const db = await open(file, sqlite3.OPEN_READWRITE);
  try {
    await all(db, 'PRAGMA busy_timeout = 3000');
    await all(db, 'VACUUM INTO ?', partial);
  } catch (error) {
    removePartial();
    const { code } = error as { code?: string };
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
      throw new StoreOpenError(
        `cannot back up ${file}: it is locked by another program (${(error as Error).message}); try again when that program is done. Nothing was written.`,
      );
    throw new StoreOpenError(
      `cannot write the backup ${destination} (${(error as Error).message}): check that its folder is writable and has room. Nothing was written.`,
    );
  } finally {
    await close(db);
  }
  try {
    const records = await inspect(partial);
    publish(partial, destination);
    return records;
  } finally {
    removePartial();
  }
}

/** Puts a finished file in place under its name, durably, never over a file that appeared meanwhile. */
function publish(finished: string, destination: string): void {
  const fd = openSync(finished, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    try {
      linkSync(finished, destination);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      // A file system without hard links: a rename, after one more look.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
      if (existsSync(destination)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
      renameSync(finished, destination);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new StoreOpenError(`${destination} already exists: pick a new file name`);
    throw new StoreOpenError(
      `cannot write the backup ${destination} (${(error as Error).message}): check that its folder is writable and has room. Nothing was written.`,
    );
  }
  syncFolder(dirname(destination), 'ignore');
}

/** Removes a leftover of a failed step; a folder that is gone or not a folder has none. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing to remove.
  }
}

function statIfPresent(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Whether two paths are one file: the same inode, whatever the names (symlinks, hard links, relative paths). */
function sameFile(a: string, b: string): boolean {
  const one = statIfPresent(a);
  const two = statIfPresent(b);
  return one !== undefined && two !== undefined && one.dev === two.dev && one.ino === two.ino;
}

/**
 * Puts a backup in place of `file`, whole: the bot must be stopped. The backup is checked first,
 * copied beside the database and renamed over it; the old -wal and -shm go, so nothing of the
 * replaced database is replayed into the restored one. Returns the records restored.
 */
export async function restoreDatabase(file: string, backup: string): Promise<number> {
  if (!existsSync(backup)) throw new StoreOpenError(`there is no backup at ${backup}`);
  // The live database's own committed changes wait in its -wal, which a restore removes: they would be lost.
  if (sameFile(backup, file)) {
    throw new StoreOpenError(
      `${backup} is the database DATABASE_URL names (${file}), not a backup of it: restore a copy made with npm run backup. Nothing was changed.`,
    );
  }
  const records = await inspect(backup);
  const folder = dirname(file);
  const staging = `${file}.restoring`;
  // Until the old -wal goes, the database is as it was.
  let changed = false;
  try {
    // A restore onto a new host: the folder DATABASE_URL names may not exist yet (as at a first start).
    mkdirSync(folder, { recursive: true });
    copyFileSync(backup, staging);
    const fd = openSync(staging, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    changed = true;
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    renameSync(staging, file);
    syncFolder(folder, 'throw');
  } catch (error) {
    removeQuietly(staging);
    throw new StoreOpenError(
      `cannot restore into ${file} (${(error as Error).message}): check that the folder ${folder} can be created, is writable and has room, ` +
        (changed ? 'then run the restore again' : 'then run the restore again. Nothing was changed.'),
    );
  }
  return records;
}
