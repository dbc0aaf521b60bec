/**
 * The Keyv store behind DATABASE_URL: an SQLite file by default, created on first start, in WAL
 * mode so that an acknowledged write survives kill -9 and readers never wait for a writer.
 * Every query first checks that the file is still the one opened: a removed file is an error (not
 * silent writes into a deleted inode), and a file put back (restored) is reopened.
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
  inode: number;
}

const BUSY_TIMEOUT_MS = 3000;

/** `sqlite://relative/path` or `sqlite:///absolute/path` to an absolute file path. */
export function sqliteFile(databaseUrl: string): string {
  return resolve(databaseUrl.replace(/^sqlite:\/\//, ''));
}

function connect(file: string): Promise<Connection> {
  return new Promise((resolveConnection, reject) => {
    const db = new sqlite3.Database(file, (error) => {
      if (error) return reject(error);
      db.configure('busyTimeout', BUSY_TIMEOUT_MS);
      const query: Query = (sql, ...params) =>
        new Promise((done, fail) => db.all(sql, params.length === 1 && Array.isArray(params[0]) ? params[0] : params, (e: Error | null, rows: unknown[]) => (e ? fail(e) : done(rows))));
      const close = () => new Promise<void>((done, fail) => db.close((e) => (e ? fail(e) : done())));
      Promise.all([query('PRAGMA journal_mode=WAL'), query('PRAGMA synchronous=NORMAL'), query('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )')])
        .then(() => resolveConnection({ query, close, inode: statSync(file).ino }))
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
  let current: Connection;
  try {
    current = await connect(file);
  } catch (error) {
    throw new StoreOpenError(`DATABASE_URL: cannot open the database ${file} (${(error as Error).message}); check the path and its permissions`);
  }

  let reopening: Promise<Connection> | undefined;
  const guardedQuery: Query = async (sql, ...params) => {
    let inode: number;
    try {
      inode = statSync(file).ino;
    } catch {
      throw new Error(`the database file ${file} is missing`);
    }
    if (inode !== current.inode) {
      // The file was replaced (restored from a backup): reopen once, whoever asks first.
      reopening ??= connect(file).finally(() => (reopening = undefined));
      const previous = current;
      const next = await reopening;
      if (current === previous) {
        current = next;
        void previous.close().catch(() => undefined);
      }
    }
    return current.query(sql, ...params);
  };

  // @keyv/sqlite runs everything through `this.query`: give it the guarded connection.
  const adapter = new KeyvSqlite({ uri: 'sqlite://:memory:', iterationLimit: 500 });
  await adapter.close();
  Object.assign(adapter, { query: guardedQuery, close: () => current.close() });
  const keyv = new Keyv({ store: adapter, namespace: 'sdbot', throwOnErrors: true, emitErrors: false });
  return {
    keyv,
    file,
    query: guardedQuery,
    close: () => current.close(),
  };
}
