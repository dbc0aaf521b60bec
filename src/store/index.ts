/** The store named by DATABASE_URL: sqlite:// (the default), postgres:// or redis://. */
import { STORE_DEADLINE_MS } from './deadline.js';
import { openSqlite } from './sqlite.js';
import { type Store, storeOver } from './store.js';

export { StoreOpenError } from './errors.js';
export { sqliteFile } from './sqlite.js';
export { redactUrl, urlSecrets } from './redact.js';
export { STORE_DEADLINE_MS } from './deadline.js';
export type { Store } from './store.js';

export interface StoreOptions {
  /** How long one store call (and the opening) may take; STORE_DEADLINE_MS unless a test needs it short. */
  deadlineMs?: number;
}

export async function openStore(
  databaseUrl: string,
  { deadlineMs = STORE_DEADLINE_MS }: StoreOptions = {},
): Promise<Store> {
  // The server backends load their clients only when chosen.
  if (/^postgres(ql)?:\/\//.test(databaseUrl))
    return storeOver(await (await import('./postgres.js')).openPostgres(databaseUrl, deadlineMs), deadlineMs);
  if (/^rediss?:\/\//.test(databaseUrl))
    return storeOver(await (await import('./redis.js')).openRedis(databaseUrl, deadlineMs), deadlineMs);
  return storeOver(await openSqlite(databaseUrl, deadlineMs), deadlineMs);
}
