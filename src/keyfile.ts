/**
 * Where the sealing key comes from: ENCRYPTION_KEY when set, else a 0600 file beside the database,
 * made on first start. The new key of a rotation in progress waits in a second file beside it.
 * And the check that the key opens what the store holds: a wrong key, or a rotation left half
 * done, stops the bot before it could touch a stored key; nothing stored is changed.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decodeEncryptionKey } from './config.js';
import { guildRecords, keyCensus } from './core/guilds.js';
import { DamagedRecordError, StoreError, StoreTimeoutError } from './core/errors.js';
import { type RecordStore, guarded } from './core/records.js';
import { type Sealer, keyId } from './core/seal.js';
import { SEALING_MARK_KEY, claimSealingMark } from './core/sealing-mark.js';
import { ConfigError, KeyFileError } from './errors.js';
import { syncFolder } from './store/sync-folder.js';

export interface ResolvedKey {
  key: Buffer;
  /** The key file, when the key came from one. */
  file: string | undefined;
  created: boolean;
}

/**
 * The path whose folder holds the key files: beside a SQLite database; for a database server
 * (where ENCRYPTION_KEY is required) a rotation's new key waits in ./data.
 */
export function keyAnchor(store: { file: string | undefined }): string {
  return store.file ?? resolve('data', 'store');
}

export function keyFileFor(databaseFile: string): string {
  return join(dirname(databaseFile), 'encryption.key');
}

/** The new key of an unfinished rotation: written before any record is re-sealed. */
export function pendingKeyFileFor(databaseFile: string): string {
  return `${keyFileFor(databaseFile)}.next`;
}

/** The file's text, or undefined when there is no such file. */
function readIfPresent(file: string, unreadable: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyFileError(`${unreadable} (${(error as Error).message})`);
  }
}

export function resolveEncryptionKey(configured: Buffer | undefined, databaseFile: string, create = true): ResolvedKey {
  if (configured) return { key: configured, file: undefined, created: false };
  const file = keyFileFor(databaseFile);
  const text = readIfPresent(file, `ENCRYPTION_KEY is not set and the key file ${file} cannot be read`);
  if (text !== undefined)
    return { key: decodeEncryptionKey(text, `ENCRYPTION_KEY (from the key file ${file})`), file, created: false };
  if (!create)
    throw new ConfigError(
      `ENCRYPTION_KEY is not set and there is no key file at ${file}: set ENCRYPTION_KEY to the key the store was sealed with`,
    );
  const key = randomBytes(32);
  if (publishKeyFile(file, key)) return { key, file, created: true };
  // Another process (a second shard started at the same moment) made it first: its key is the key.
  const made = readIfPresent(file, `ENCRYPTION_KEY is not set and the key file ${file} cannot be read`) ?? '';
  return { key: decodeEncryptionKey(made, `ENCRYPTION_KEY (from the key file ${file})`), file, created: false };
}

/**
 * The key a bot starts with: ENCRYPTION_KEY, else the key file, else a new key file, but only on a
 * store that nothing was sealed in yet. A store that holds sealed keys or names its sealing key has
 * lost its key file: a new key would open none of it, so the start stops and writes nothing.
 */
export async function resolveStartKey(
  configured: Buffer | undefined,
  records: RecordStore,
  databaseFile: string,
  where: string,
): Promise<ResolvedKey> {
  if (configured) return resolveEncryptionKey(configured, databaseFile);
  const file = keyFileFor(databaseFile);
  const unreadable = `ENCRYPTION_KEY is not set and the key file ${file} cannot be read`;
  if (
    readIfPresent(file, unreadable) === undefined &&
    (await storeAtStart(where, () => holdsSealedData(records))) &&
    // Another process starting at the same moment may have made the file, and sealed, since the first look.
    readIfPresent(file, unreadable) === undefined
  ) {
    throw new ConfigError(
      `ENCRYPTION_KEY is not set and the key file ${file} is missing, but the store ${where} holds data sealed with it: ` +
        `put back the backup of ${file}, or set ENCRYPTION_KEY to that key. Nothing was written.`,
    );
  }
  return resolveEncryptionKey(undefined, databaseFile);
}

/** Whether the store names a sealing key or holds a sealed API key (a damaged record may be one). */
async function holdsSealedData(records: RecordStore): Promise<boolean> {
  const { value } = await guarded('read', () => records.read(SEALING_MARK_KEY));
  if (value !== undefined) return true;
  for await (const record of guildRecords(records)) {
    if ('damaged' in record || record.settings.apiKey) return true;
  }
  return false;
}

/**
 * Puts a new key file in place unless one exists (false then), never overwriting one and never
 * showing a half-written one: written whole under a name of this process's own, then linked into
 * place, which fails if another process got there first.
 */
function publishKeyFile(file: string, key: Buffer): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === 'EEXIST') return false;
    // A file system without hard links: create it directly ('wx' still never overwrites).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    try {
      writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (direct) {
      if ((direct as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw direct;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
}

export interface PendingKey {
  key: Buffer;
  file: string;
}

export function readPendingKey(databaseFile: string): PendingKey | undefined {
  const file = pendingKeyFileFor(databaseFile);
  const text = readIfPresent(file, `the new key of an unfinished rotation cannot be read from ${file}`);
  return text === undefined
    ? undefined
    : { key: decodeEncryptionKey(text, `the new key of an unfinished rotation (${file})`), file };
}

/**
 * What the saved new key of a rotation says, next to the key in use (its id; undefined when no key
 * is at hand): `unfinished` when it is another key, `finished` when it is this key (a rotation with
 * ENCRYPTION_KEY leaves it for the operator to delete once the key is saved where the bot reads it).
 */
export type PendingRotation =
  | { kind: 'none' }
  | { kind: 'unfinished'; pending: PendingKey }
  | { kind: 'finished'; pending: PendingKey };

export function pendingRotation(databaseFile: string, currentKid: string | undefined): PendingRotation {
  const pending = readPendingKey(databaseFile);
  if (pending === undefined) return { kind: 'none' };
  return keyId(pending.key) === currentKid ? { kind: 'finished', pending } : { kind: 'unfinished', pending };
}

/** Writes a key file (0600) in one step: written and synced beside it, then renamed over it. */
export function writeKeyFile(file: string, key: Buffer): void {
  const temporary = `${file}.tmp`;
  // For a server store the folder is ./data of wherever the command runs, which need not exist yet.
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new KeyFileError(
      `cannot create the folder ${dirname(file)} for the key file ${file} (${(error as Error).message}): run the command from a folder where it can be created`,
    );
  }
  rmSync(temporary, { force: true }); // a leftover of a run killed while writing
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncFolder(dirname(file), 'ignore');
}

export function removeKeyFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  syncFolder(dirname(file), 'ignore');
}

export interface StoreKeyCheck {
  total: number;
  /** Servers whose stored key this key cannot open (sealed under some stray key). */
  unopened: string[];
  /** Servers whose record cannot be read at all, and why. */
  damaged: Array<{ guildId: string; reason: string }>;
  /** The file a finished rotation left behind (it holds the current key). */
  leftoverPendingFile: string | undefined;
}

/** Where the store is and where the key came from, for messages. */
export interface KeyCheckContext {
  /** The store as a log line shows it (a file path, or a URL without its password). */
  where: string;
  /** The key file the key came from, if it did not come from ENCRYPTION_KEY. */
  keyFile?: string | undefined;
}

/**
 * Stops the start when a rotation is unfinished, when the store is marked as sealed by another key
 * (see core/sealing-mark.ts), or when another key sealed more of the stored keys than this one:
 * then this key is the wrong one (or the old one). A few keys this one cannot open are damage:
 * reported, and their servers set them again. A store not yet marked is marked by this key, in a
 * write that only one of several processes starting at once can win.
 */
export async function assertKeyOpensStore(
  records: RecordStore,
  sealer: Sealer,
  databaseFile: string,
  context: KeyCheckContext,
): Promise<StoreKeyCheck> {
  const rotation = pendingRotation(databaseFile, sealer.kid);
  if (rotation.kind === 'unfinished') {
    throw new ConfigError(
      `a key rotation is not finished: its new key is in ${rotation.pending.file}. Run npm run rotate-key to finish it (no --new needed); ` +
        'if ENCRYPTION_KEY is set, then set it to the key in that file. Nothing was changed.',
    );
  }
  const source = context.keyFile ? `ENCRYPTION_KEY (here the key file ${context.keyFile})` : 'ENCRYPTION_KEY';
  const otherKey = (kid: string) =>
    new ConfigError(
      `${source} is not the key that seals the store ${context.where}: that is the key with id ${kid}, this one has id ${sealer.kid}. ` +
        'Every process on a store must use the same key: set ENCRYPTION_KEY to the key the others use. Nothing was changed.',
    );
  const { total, foreign, largestOtherKey, damaged } = await storeAtStart(context.where, () =>
    keyCensus(records, sealer),
  );
  if (largestOtherKey > total - foreign.length) {
    throw new ConfigError(
      `${source} does not open ${foreign.length} of the ${total} API keys stored in ${context.where}: they were sealed under another key. ` +
        'Set ENCRYPTION_KEY to the key they were sealed with, or finish the rotation with npm run rotate-key. Nothing was changed.',
    );
  }
  // Marked already, or marked now by this key; or another process marked it first, with its own key.
  const marked = await storeAtStart(context.where, () => claimSealingMark(records, sealer));
  if (marked.kind === 'other') throw otherKey(marked.kid);
  return {
    total,
    unopened: foreign,
    damaged,
    leftoverPendingFile: rotation.kind === 'finished' ? rotation.pending.file : undefined,
  };
}

/** A store that fails at start stops it with one line naming the store, not "unexpected failure". */
async function storeAtStart<T>(where: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DamagedRecordError && error.key === SEALING_MARK_KEY) {
      throw new ConfigError(
        `the record ${SEALING_MARK_KEY} in ${where}, which names the key that seals the store, is damaged (${error.reason}): delete it, and the next start writes it again`,
      );
    }
    if (error instanceof ConfigError) throw error;
    const timeout = error instanceof StoreTimeoutError ? error : (error as { cause?: unknown }).cause;
    if (timeout instanceof StoreTimeoutError) {
      throw new ConfigError(
        `DATABASE_URL: ${where} stopped answering while the bot read its records at start (${timeout.message}); check that the server is not stalled, then start again`,
      );
    }
    // Only store calls run here: whatever they throw is the store failing.
    const message = error instanceof StoreError ? error.message : `store read failed: ${(error as Error).message}`;
    throw new ConfigError(
      `DATABASE_URL: the store ${where} failed at start (${message}): check that it runs, is writable, and is the one DATABASE_URL should name`,
    );
  }
}
