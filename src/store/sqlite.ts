/**
 * SQLite through @keyv/sqlite, used by its public API: one connection, WAL mode (an acknowledged
 * write survives kill -9, readers never wait for the writer), a busy timeout, and a conditional
 * write in one statement (`... RETURNING`), so processes on this host sharing the file never lose
 * each other's changes.
 *
 * The file is watched for one thing: being removed or replaced (another inode at its path). Then
 * every operation fails plainly until the bot is restarted, instead of writing into a file nobody
 * will read again or mixing a restored file with this connection's view of the old one. The
 * watch costs nothing per query: the file system says when to look (with WAL the main file changes
 * only at checkpoints), and a look every few seconds covers file systems that say nothing.
 */
import { type FSWatcher, mkdirSync, statSync, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import type Keyv from 'keyv';
import { driverLimit } from './deadline.js';
import { StoreOpenError } from './errors.js';
import { NAMESPACE, type RawBackend, keyvOver } from './store.js';

/** Without a word from the file system, the file's identity is still looked at this often. */
const FALLBACK_CHECK_MS = 5000;
const TABLE = 'keyv';

type Query = (sql: string, ...params: unknown[]) => Promise<Array<Record<string, unknown>>>;

const isBusy = (error: unknown) => ['SQLITE_BUSY', 'SQLITE_LOCKED'].includes((error as { code?: string }).code ?? '');

/** `sqlite://relative/path` or `sqlite:///absolute/path` to an absolute file path. */
export function sqliteFile(databaseUrl: string): string {
  return resolve(databaseUrl.replace(/^sqlite:\/\//, ''));
}

const identity = (file: string): string | undefined => {
  try {
    const s = statSync(file);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
};

/**
 * SQLite opens a file it may not write (mode 0444, a read-only mount, a read-only -shm) read-only
 * without a word, and every write would fail after a ready start. A delete of a key that never
 * exists needs the write lock, so finds out at open, and changes nothing. Busy (another process
 * holds the lock) shows the file takes writes.
 */
async function probeWrite(query: Query, file: string, disconnect: () => Promise<void>): Promise<void> {
  try {
    await query(`DELETE FROM ${TABLE} WHERE key = ?`, `${NAMESPACE}:meta:write-probe`);
  } catch (error) {
    // Another process holds the write lock: the file takes writes.
    if (isBusy(error)) return;
    const { code } = error as { code?: string };
    await disconnect().catch(() => undefined);
    throw new StoreOpenError(
      code === 'SQLITE_READONLY'
        ? `DATABASE_URL: the database ${file} can be read but not written (${(error as Error).message}); make it, its -wal and -shm, and its folder writable by the user the bot runs as`
        : `DATABASE_URL: cannot write to the database ${file} (${(error as Error).message}); check the path and its permissions`,
    );
  }
}

/**
 * The connection, its table, its journal settings and the write probe. Processes opening the same
 * file at once (shards starting together) meet here: where waiting could deadlock SQLite answers
 * BUSY at once instead of waiting out its busy timeout, so a connection that met another one is
 * made again, until the store's deadline.
 */
async function connect(file: string, deadlineMs: number): Promise<{ adapter: KeyvSqlite; keyv: Keyv; query: Query }> {
  const giveUpAt = Date.now() + deadlineMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    const adapter = new KeyvSqlite({
      uri: `sqlite://${file}`,
      table: TABLE,
      busyTimeout: driverLimit(deadlineMs),
      iterationLimit: 500,
    });
    const query: Query = (sql, ...params) => adapter.query(sql, ...params) as ReturnType<Query>;
    try {
      // The table exists once the adapter has connected; then the journal settings of this connection.
      await query('PRAGMA journal_mode=WAL');
      await query('PRAGMA synchronous=NORMAL');
    } catch (error) {
      await adapter.disconnect().catch(() => undefined);
      if (isBusy(error) && Date.now() + pause < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, pause));
        continue;
      }
      throw new StoreOpenError(
        `DATABASE_URL: cannot open the database ${file} (${(error as Error).message}); check the path and its permissions`,
      );
    }
    await probeWrite(query, file, () => adapter.disconnect());
    const keyv = keyvOver(adapter);
    return { adapter, keyv, query };
  }
}

export async function openSqlite(databaseUrl: string, deadlineMs: number): Promise<RawBackend> {
  const file = sqliteFile(databaseUrl);
  try {
    // sqlite does not create the folder, and fails late (SQLITE_CANTOPEN) when it is missing.
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new StoreOpenError(
      `DATABASE_URL: cannot create the folder ${dirname(file)} (${(error as Error).message}); pick a writable path`,
    );
  }
  const { adapter, keyv, query } = await connect(file, deadlineMs);

  const known = identity(file);
  let fenced: string | undefined;
  let checkedAt = Date.now();
  // Unlinking or renaming over the file tells its watcher (a 'change'); so do checkpoints, rarely.
  let suspect = false;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(file, { persistent: false }, () => (suspect = true));
    watcher.on('error', () => (suspect = true));
  } catch {
    // No watching on this file system: the fallback look covers it.
  }
  const check = () => {
    if (fenced) throw new Error(fenced);
    const now = Date.now();
    if (!suspect && now - checkedAt < FALLBACK_CHECK_MS) return;
    suspect = false;
    checkedAt = now;
    const current = identity(file);
    if (current === known) return;
    fenced =
      `the database file ${file} was ${current === undefined ? 'removed' : 'replaced'} while the bot was running, so nothing more is read or written. ` +
      'Restart the bot to use the file now at that path (to restore a backup, stop the bot and use npm run restore)';
    throw new Error(fenced);
  };

  const rawKey = (key: string) => `${NAMESPACE}:${key}`;
  return {
    kind: 'sqlite',
    where: file,
    file,
    keyv,
    rawKey,
    async get(key) {
      check();
      const rows = await query(`SELECT value FROM ${TABLE} WHERE key = ?`, key);
      const value = rows[0]?.value;
      return typeof value === 'string' ? value : undefined;
    },
    async compareAndSet(key, expected, next) {
      check();
      let rows: unknown[];
      if (expected === undefined && next === undefined)
        return (await query(`SELECT 1 FROM ${TABLE} WHERE key = ?`, key)).length === 0;
      if (expected === undefined)
        rows = await query(
          `INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING RETURNING 1`,
          key,
          next,
        );
      else if (next === undefined)
        rows = await query(`DELETE FROM ${TABLE} WHERE key = ? AND value = ? RETURNING 1`, key, expected);
      else
        rows = await query(
          `UPDATE ${TABLE} SET value = ? WHERE key = ? AND value = ? RETURNING 1`,
          next,
          key,
          expected,
        );
      return rows.length === 1;
    },
    async *scan(prefix) {
      // Pages in key order from the last key seen, so records written meanwhile never shift the walk.
      let after = '';
      for (;;) {
        check();
        const rows = await query(
          `SELECT key, value FROM ${TABLE} WHERE key >= ? AND key < ? AND key > ? ORDER BY key LIMIT 500`,
          prefix,
          `${prefix}\uffff`,
          after,
        );
        for (const row of rows)
          if (typeof row.key === 'string' && typeof row.value === 'string')
            yield [row.key, row.value] as [string, string];
        const last = rows.at(-1)?.key;
        if (rows.length < 500 || typeof last !== 'string') return;
        after = last;
      }
    },
    async ping() {
      check();
      await query('SELECT 1');
    },
    async close() {
      watcher?.close();
      await adapter.disconnect();
    },
  };
}
