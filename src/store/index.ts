/** The store named by DATABASE_URL. */
import { openSqlite } from './sqlite.js';
import { type Store, storeOver } from './store.js';

export { StoreOpenError, sqliteFile } from './sqlite.js';
export type { Store, StoreKind } from './store.js';

export async function openStore(databaseUrl: string): Promise<Store> {
  return storeOver(await openSqlite(databaseUrl));
}
