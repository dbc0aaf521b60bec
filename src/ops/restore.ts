/** npm run restore -- <file>: puts a backup in place of the SQLite database. Stop the bot first. */
import { resolve } from 'node:path';
import { type Config, loadConfig } from '../config.js';
import { createSealer } from '../core/seal.js';
import { readSealingMark } from '../core/sealing-mark.js';
import { ConfigError, KeyFileError, StartupError } from '../errors.js';
import { resolveEncryptionKey } from '../keyfile.js';
import { openStore, sqliteFile } from '../store/index.js';
import { restoreDatabase } from '../store/sqlite-files.js';
import { parseArguments } from './arguments.js';

const USAGE =
  'npm run restore -- <backup file>, e.g. npm run restore -- backups/bot-2026-11-29.sqlite (stop the bot first)';

export async function restore(args: readonly string[]): Promise<void> {
  const parsed = parseArguments(args, { usage: USAGE, positionals: 1 });
  if (!parsed) return;
  const source = parsed.positionals[0];
  if (!source) throw new StartupError(`name the backup to restore: ${USAGE}`);
  const config = loadConfig();
  if (!config.databaseUrl.startsWith('sqlite:'))
    throw new StartupError(
      'npm run restore puts back a SQLite backup; restore PostgreSQL with pg_restore or psql, and Redis from its RDB or AOF file',
    );
  const file = sqliteFile(config.databaseUrl);
  const records = await restoreDatabase(file, resolve(source));
  process.stdout.write(
    `Restored ${records} records into ${file}. Start the bot; it needs the encryption key the backup was sealed with.\n`,
  );
  await warnOfAnotherKey(config, file);
}

/** Says so now, rather than at the next start, when the backup is sealed under another key than the bot's. */
async function warnOfAnotherKey(config: Config, file: string): Promise<void> {
  let key: ReturnType<typeof resolveEncryptionKey>;
  try {
    key = resolveEncryptionKey(config.encryptionKey, file, false);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof KeyFileError) return; // no key to read here: nothing to compare
    throw error;
  }
  const sealer = createSealer(key.key);
  const store = await openStore(config.databaseUrl, { deadlineMs: config.storeTimeoutMs });
  try {
    const marked = await readSealingMark(store, sealer);
    if (marked.kind !== 'other') return;
    const current = key.file ? `the key file ${key.file}` : 'ENCRYPTION_KEY';
    process.stderr.write(
      `restore: the backup is sealed under the key with id ${marked.kid}, not the key in ${current} (id ${sealer.kid}): ` +
        'set ENCRYPTION_KEY to the key the backup was made with before you start the bot, or it refuses to start.\n',
    );
    process.exitCode = 2;
  } finally {
    await store.close();
  }
}
