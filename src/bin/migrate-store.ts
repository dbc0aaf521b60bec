/** npm run migrate-store -- --to <url>: see ops/migrate-store.ts. */
import { runEntry } from '../cli.js';
import { migrateStore } from '../ops/migrate-store.js';

runEntry('migrate-store', () => migrateStore(process.argv.slice(2)));
