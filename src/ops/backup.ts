/** npm run backup -- <file>: a consistent copy of the SQLite database, safe while the bot runs. */
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { sqliteFile } from '../store/index.js';
import { backupDatabase } from '../store/sqlite-files.js';
import { parseArguments } from './arguments.js';

const EXAMPLE = 'backups/bot-2026-11-29.sqlite';
const USAGE = `npm run backup -- <file>, e.g. npm run backup -- ${EXAMPLE}`;

/** The backup file named on the command line; undefined when --help was asked for. */
function targetArgument(args: readonly string[]): string | undefined {
  const parsed = parseArguments(args, { usage: USAGE, positionals: 1 });
  if (!parsed) return undefined;
  const target = parsed.positionals[0];
  if (!target) throw new StartupError(`name the backup file: ${USAGE}`);
  // A folder is not a file name: path.resolve drops the trailing slash, and the backup would become a file named like the folder.
  if (target.endsWith('/') || statSync(target, { throwIfNoEntry: false })?.isDirectory())
    throw new StartupError(
      `${target} is a folder: name the backup file in it, e.g. npm run backup -- ${join(target, 'bot-2026-11-29.sqlite')}`,
    );
  return target;
}

export async function backup(args: readonly string[]): Promise<void> {
  const target = targetArgument(args);
  if (target === undefined) return;
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
