/**
 * npm run migrate-store -- --to <url>: copies every record of the store DATABASE_URL names into
 * another store (SQLite, PostgreSQL or Redis), as stored: sealed API keys move sealed, under the
 * same key, and are never opened. A record goes only where its key is free, so a rerun after an
 * interruption goes on where the last one stopped, and nothing at the target is overwritten.
 * Stop the bot first: a change it made after its record was copied would stay behind.
 */
import { existsSync } from 'node:fs';
import { checkDatabaseUrl, loadConfig } from '../config.js';
import { SEALING_MARK_KEY } from '../core/sealing-mark.js';
import { keyId } from '../core/seal.js';
import { ConfigError, KeyFileError, StartupError } from '../errors.js';
import { keyAnchor, keyFileFor, pendingRotation, resolveEncryptionKey } from '../keyfile.js';
import { StoreOpenError, type Store, openStore, redactUrl, sqliteFile } from '../store/index.js';
import { migrateRecords, sameStore } from '../store/migrate.js';
import { parseArguments } from './arguments.js';

const USAGE = 'npm run migrate-store -- --to postgres://user:password@host:5432/db (or redis://host:6379/0)';
/** A progress line after every this many records. */
const PROGRESS_EVERY = 1000;

const say = (line: string) => process.stdout.write(`${line}\n`);
/** A store URL fit to print: a server's without its password; a SQLite one as given (it holds none, and a path is not a URL). */
const shown = (url: string) => (url.startsWith('sqlite:') ? url : redactUrl(url));
const records = (n: number) => `${n} ${n === 1 ? 'record' : 'records'}`;

/** The URL given with --to, checked; undefined when --help was asked for. */
function targetArgument(args: string[]): string | undefined {
  // Any number of plain arguments is read, so that a URL given without --to gets its own answer.
  const parsed = parseArguments(args, { usage: USAGE, options: ['to'], positionals: Number.POSITIVE_INFINITY });
  if (!parsed) return undefined;
  if (parsed.positionals.length > 0) throw new StartupError(`give the new store with --to: ${USAGE}`);
  if (parsed.values.to === undefined) throw new StartupError(`name the new store: ${USAGE}`);
  return checkDatabaseUrl(parsed.values.to, '--to');
}

/** The id of the key in use (ENCRYPTION_KEY, or the key file), or undefined when there is none to read. */
function currentKeyId(configured: Buffer | undefined, anchor: string): string | undefined {
  try {
    return keyId(resolveEncryptionKey(configured, anchor, false).key);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof KeyFileError) return undefined;
    throw error;
  }
}

export async function migrateStore(args: string[]): Promise<void> {
  const to = targetArgument(args);
  if (to === undefined) return;
  const config = loadConfig();
  const from = config.databaseUrl;
  if (sameStore(from, to))
    throw new StartupError(
      `--to names the store DATABASE_URL already uses (${shown(to)}): give the URL of the new store`,
    );
  if (from.startsWith('sqlite:') && !existsSync(sqliteFile(from))) {
    throw new StartupError(`there is no database at ${sqliteFile(from)}: set DATABASE_URL to the store to copy`);
  }

  const opened: Store[] = [];
  try {
    const source = await openStore(from, { deadlineMs: config.storeTimeoutMs });
    opened.push(source);
    // The saved new key of a rotation is unfinished business unless it is the key in use (then a leftover).
    const rotation = pendingRotation(keyAnchor(source), currentKeyId(config.encryptionKey, keyAnchor(source)));
    if (rotation.kind === 'unfinished') {
      throw new StartupError(
        `a key rotation is not finished (its new key is in ${rotation.pending.file}): run npm run rotate-key to finish it, then move the store. Nothing was copied.`,
      );
    }
    if (rotation.kind === 'finished') {
      say(
        `${rotation.pending.file} holds the key in use, left by a finished rotation: it is not copied; delete it once ENCRYPTION_KEY or the key file holds that key.`,
      );
    }
    let target: Store;
    try {
      target = await openStore(to, { deadlineMs: config.storeTimeoutMs });
    } catch (error) {
      // The store names the variable it was opened from; this one came from --to.
      if (error instanceof StoreOpenError) throw new StoreOpenError(error.message.replace(/^DATABASE_URL:/, '--to:'));
      throw error;
    }
    opened.push(target);

    say(`Copying every record of ${source.where} to ${target.where}, as stored (sealed API keys stay sealed).`);
    let done = 0;
    let report: Awaited<ReturnType<typeof migrateRecords>>;
    try {
      report = await migrateRecords(source, target, (counts) => {
        done = counts.seen;
        if (counts.seen % PROGRESS_EVERY === 0) {
          say(
            `  ${counts.seen} records so far: ${counts.copied} copied, ${counts.alreadyThere} already there, ${counts.conflicting} conflicting`,
          );
        }
      });
    } catch (error) {
      throw new StartupError(
        `the copy stopped after ${records(done)} (${(error as Error).message}). What was copied stays: run the same command again to finish`,
      );
    }
    say(
      `Copied ${records(report.copied)} to ${target.where}: ${report.alreadyThere} already there, ${report.conflicting} conflicting, ${report.seen} in all.`,
    );

    if (report.conflicting > 0) {
      const one = report.conflicting === 1;
      process.stderr.write(
        `migrate-store: ${report.conflicting} ${one ? 'record' : 'records'} at ${target.where} already ${one ? 'holds' : 'hold'} a different value and ${one ? 'was' : 'were'} left as ${one ? 'it is' : 'they are'}: ` +
          `${report.conflicts.join(', ')}. Either the target holds data of its own (then pick an empty database), or the bot ran on ${source.where} after an earlier copy. ` +
          (report.conflicts.includes(SEALING_MARK_KEY)
            ? `(${SEALING_MARK_KEY} names the key that seals a store: a bot was started on the target with another ENCRYPTION_KEY.) `
            : '') +
          `To copy them, delete those records at the target (${target.kind === 'redis' ? 'the Redis keys sdbot::<key>' : 'the rows of the table keyv whose key is sdbot:<key>'}), or empty it, ` +
          'and run this again; do not start the bot on the target before.\n',
      );
      process.exitCode = 2;
      return;
    }
    const keyFile = source.file === undefined ? undefined : keyFileFor(source.file);
    const key = config.encryptionKey
      ? 'ENCRYPTION_KEY to the key it is now'
      : `ENCRYPTION_KEY to the key the API keys are sealed with${keyFile && existsSync(keyFile) ? ` (the contents of ${keyFile})` : ''}`;
    say(
      `Next: set DATABASE_URL to the URL given with --to (${shown(to)}) and ${key}, then start the bot. ${source.where} was left as it is.`,
    );
  } finally {
    for (const store of opened.reverse()) await store.close().catch(() => undefined);
  }
}
