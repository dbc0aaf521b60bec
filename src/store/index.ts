/** The store named by DATABASE_URL: sqlite:// (the default), postgres:// or redis://. */
import { openSqlite } from './sqlite.js';
import { type Store, storeOver } from './store.js';

export { StoreOpenError, sqliteFile } from './sqlite.js';
export { redactUrl } from './redact.js';
export type { Store } from './store.js';

export async function openStore(databaseUrl: string): Promise<Store> {
  // The server backends load their clients only when chosen.
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return storeOver(await (await import('./postgres.js')).openPostgres(databaseUrl));
  if (/^rediss?:\/\//.test(databaseUrl)) return storeOver(await (await import('./redis.js')).openRedis(databaseUrl));
  return storeOver(await openSqlite(databaseUrl));
}
