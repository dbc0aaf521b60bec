/** npm run restore -- <file>: puts a backup in place of the SQLite database. Stop the bot first. */
import { resolve } from 'node:path';
import { StartupError, runEntry } from './cli.js';
import { loadConfig } from './config.js';
import { sqliteFile } from './store/index.js';
import { restoreDatabase } from './store/sqlite-files.js';

runEntry('restore', async () => {
  const source = process.argv[2];
  if (!source) throw new StartupError('name the backup to restore: npm run restore -- backups/bot-2026-11-29.sqlite (stop the bot first)');
  const config = loadConfig();
  if (!config.databaseUrl.startsWith('sqlite:')) throw new StartupError('npm run restore puts back a SQLite backup; restore PostgreSQL with pg_restore or psql, and Redis from its RDB or AOF file');
  const file = sqliteFile(config.databaseUrl);
  const records = await restoreDatabase(file, resolve(source));
  process.stdout.write(`Restored ${records} records into ${file}. Start the bot; it needs the encryption key the backup was sealed with.\n`);
});
