/**
 * The Keyv store behind DATABASE_URL: an SQLite file by default, created on first start, in WAL
 * mode so that an acknowledged write survives kill -9 and readers never wait for a writer.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import KeyvSqlite from '@keyv/sqlite';
import Keyv from 'keyv';

export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

export interface Store {
  keyv: Keyv;
  /** The database file, absolute. */
  file: string;
  close(): Promise<void>;
}

/** `sqlite://relative/path` or `sqlite:///absolute/path` to an absolute file path. */
export function sqliteFile(databaseUrl: string): string {
  return resolve(databaseUrl.replace(/^sqlite:\/\//, ''));
}

export async function openStore(databaseUrl: string): Promise<Store> {
  const file = sqliteFile(databaseUrl);
  try {
    // @keyv/sqlite does not create the folder, and fails late (SQLITE_CANTOPEN) when it is missing.
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new StoreOpenError(`DATABASE_URL: cannot create the folder ${dirname(file)} (${(error as Error).message}); pick a writable path`);
  }
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 3000, iterationLimit: 500 });
  try {
    await adapter.query('PRAGMA journal_mode=WAL');
    await adapter.query('PRAGMA synchronous=NORMAL');
    await adapter.query('SELECT count(*) FROM keyv');
  } catch (error) {
    await adapter.close().catch(() => undefined);
    throw new StoreOpenError(`DATABASE_URL: cannot open the database ${file} (${(error as Error).message}); check the path and its permissions`);
  }
  const keyv = new Keyv({ store: adapter, namespace: 'sdbot', throwOnErrors: true, emitErrors: false });
  return {
    keyv,
    file,
    async close() {
      await adapter.close();
    },
  };
}
