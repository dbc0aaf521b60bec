/**
 * Where the sealing key comes from: ENCRYPTION_KEY when set, else a 0600 file beside the database,
 * made on first start. And the check that it opens what the store holds: a wrong key stops the
 * bot before it could send a wrongly opened key anywhere; nothing stored is touched.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, decodeEncryptionKey } from './config.js';
import { type KeyCensus, keyCensus } from './core/guilds.js';
import type { RecordStore } from './core/records.js';
import type { Sealer } from './core/seal.js';

export interface ResolvedKey {
  key: Buffer;
  /** The key file, when the key came from one. */
  file: string | undefined;
  created: boolean;
}

export function keyFileFor(databaseFile: string): string {
  return join(dirname(databaseFile), 'encryption.key');
}

export function resolveEncryptionKey(configured: Buffer | undefined, databaseFile: string, create = true): ResolvedKey {
  if (configured) return { key: configured, file: undefined, created: false };
  const file = keyFileFor(databaseFile);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`ENCRYPTION_KEY is not set and the key file ${file} cannot be read (${(error as Error).message})`);
    }
  }
  if (text !== undefined) return { key: decodeEncryptionKey(text, `ENCRYPTION_KEY (from the key file ${file})`), file, created: false };
  if (!create) throw new ConfigError(`ENCRYPTION_KEY is not set and there is no key file at ${file}: set ENCRYPTION_KEY to the key the store was sealed with`);
  const key = randomBytes(32);
  // 'wx': never overwrite a key file another process made meanwhile.
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, file, created: true };
}

/** Stops the start when stored keys were sealed under another key; damaged records are reported, not fatal. */
export async function assertKeyOpensStore(records: RecordStore, sealer: Sealer, where: string): Promise<KeyCensus> {
  const census = await keyCensus(records, sealer);
  const { total, foreign } = census;
  if (foreign > 0) {
    throw new ConfigError(
      `ENCRYPTION_KEY does not open ${foreign} of the ${total} API keys stored in ${where}: they were sealed under another key. ` +
        'Set ENCRYPTION_KEY to the key they were sealed with, or finish the rotation with npm run rotate-key. Nothing was changed.',
    );
  }
  return census;
}

/** Replaces the key file in one step (write beside, then rename), so it is never half written. */
export function replaceKeyFile(file: string, key: Buffer): void {
  const temporary = `${file}.new`;
  writeFileSync(temporary, `${key.toString('base64')}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
