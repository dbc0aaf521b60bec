/** npm run backup -- <file>: a consistent copy of the SQLite database, safe while the bot runs. */
import { resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { sqliteFile } from '../store/index.js';
import { backupDatabase } from '../store/sqlite-files.js';

export async function backup(args: readonly string[]): Promise<void> {
  const target = args[0];
  if (!target) throw new StartupError('name the backup file: npm run backup -- backups/bot-2026-11-29.sqlite');
  const config = loadConfig();
  if (!config.databaseUrl.startsWith('sqlite:'))
    throw new StartupError(
      'npm run backup copies a SQLite database; back up PostgreSQL with pg_dump and Redis with its own persistence (RDB or AOF)',
    );
  const file = sqliteFile(config.databaseUrl);
  const records = await backupDatabase(file, resolve(target));
  process.stdout.write(
    `Backed up ${records} records from ${file} to ${resolve(target)}. Keep the encryption key with it: the API keys in it are sealed.\n`,
  );
}
