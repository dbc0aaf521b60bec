/**
 * The Keyv store behind DATABASE_URL: an SQLite file by default, created on first start, in WAL
 * mode so that an acknowledged write survives kill -9 and readers never wait for a writer.
 * Every query first checks that the file is still as the bot left it: a removed file is an error
 * (not silent writes into a deleted inode), and a file changed behind its back (restored,
 * replaced, damaged) is read afresh, so damage shows as an error and a restore just works.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';
import sqlite3 from 'sqlite3';

export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

export interface Store {
  keyv: Keyv;
  /** The database file, absolute. */
  file: string;
  /** Runs SQL on the bot's own connection (diagnostics and tests). */
  query(sql: string, ...params: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

type Query = (sql: string, ...params: unknown[]) => Promise<unknown[]>;
interface Connection {
  query: Query;
  close(): Promise<void>;
}

const BUSY_TIMEOUT_MS = 3000;

/** What identifies the file's contents from outside: a change we did not make means someone else did. */
const identity = (file: string) => {
  const s = statSync(file);
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
};

/** `sqlite://relative/path` or `sqlite:///absolute/path` to an absolute file path. */
export function sqliteFile(databaseUrl: string): string {
  return resolve(databaseUrl.replace(/^sqlite:\/\//, ''));
}

function connect(file: string, create: boolean): Promise<Connection> {
  return new Promise((resolveConnection, reject) => {
    const mode = sqlite3.OPEN_READWRITE | (create ? sqlite3.OPEN_CREATE : 0);
    const db = new sqlite3.Database(file, mode, (error) => {
      if (error) return reject(error);
      db.configure('busyTimeout', BUSY_TIMEOUT_MS);
      let pending = 0;
      let closing: Promise<void> | undefined;
      let drained: (() => void) | undefined;
      const query: Query = (sql, ...params) => {
        pending += 1;
        return new Promise<unknown[]>((done, fail) =>
          db.all(sql, params.length === 1 && Array.isArray(params[0]) ? params[0] : params, (e: Error | null, rows: unknown[]) => (e ? fail(e) : done(rows))),
        ).finally(() => {
          pending -= 1;
          if (pending === 0) drained?.();
        });
      };
      // Closing waits for the queries already running on this connection.
      const close = () =>
        (closing ??= new Promise<void>((done) => (pending === 0 ? done() : (drained = done))).then(
          () => new Promise<void>((done, fail) => db.close((e) => (e ? fail(e) : done()))),
        ));
      Promise.all([query('PRAGMA journal_mode=WAL'), query('PRAGMA synchronous=NORMAL'), query('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )')])
        .then(() => resolveConnection({ query, close }))
        .catch((e: unknown) => close().finally(() => reject(e)));
    });
  });
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const file = sqliteFile(databaseUrl);
  try {
    // sqlite does not create the folder, and fails late (SQLITE_CANTOPEN) when it is missing.
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new StoreOpenError(`DATABASE_URL: cannot create the folder ${dirname(file)} (${(error as Error).message}); pick a writable path`);
  }
  let current: Connection | undefined;
  try {
    current = await connect(file, true);
  } catch (error) {
    throw new StoreOpenError(`DATABASE_URL: cannot open the database ${file} (${(error as Error).message}); check the path and its permissions`);
  }

  // The file as we last left it. If it changes behind our back (removed, replaced, rewritten), the
  // connection's cached pages no longer describe it: drop the connection and read the file afresh.
  let known = identity(file);
  let reopening: Promise<Connection> | undefined;
  let closed = false;
  const retire = (connection: Connection | undefined) => void connection?.close().catch(() => undefined);
  const guardedQuery: Query = async (sql, ...params) => {
    if (closed) throw new Error('the store is closed');
    let now: string;
    try {
      now = identity(file);
    } catch {
      // Never recreate it empty: that would silently forget every key. Wait for it to come back.
      retire(current);
      current = undefined;
      throw new Error(`the database file ${file} is missing`);
    }
    if (!current || now !== known) {
      reopening ??= connect(file, false).finally(() => (reopening = undefined));
      const previous = current;
      const next = await reopening;
      if (current === previous) {
        current = next;
        retire(previous);
      } else if (current !== next) retire(next);
    }
    if (/^\s*SELECT/i.test(sql)) return current!.query(sql, ...params);
    try {
      return await current!.query(sql, ...params);
    } finally {
      // Our own writes (checkpoints) change the file too; remember it as we leave it.
      try {
        known = identity(file);
      } catch {
        // removed meanwhile: the next query finds out
      }
    }
  };
  const close = async () => {
    closed = true;
    await current?.close();
    current = undefined;
  };

  // @keyv/sqlite runs everything through `this.query`: give it the guarded connection.
  const adapter = new KeyvSqlite({ uri: 'sqlite://:memory:', iterationLimit: 500 });
  await adapter.close();
  Object.assign(adapter, { query: guardedQuery, close });
  const keyv = new Keyv({ store: adapter, namespace: 'sdbot', throwOnErrors: true, emitErrors: false });
  return {
    keyv,
    file,
    query: guardedQuery,
    close,
  };
}
