/**
 * npm run rotate-key -- --new <base64>: re-seals every stored API key under a new ENCRYPTION_KEY.
 * Reads the current key and the store as the bot does. Stop the bot first; safe to rerun.
 */
import { parseArgs } from 'node:util';
import { StartupError, runEntry } from './cli.js';
import { decodeEncryptionKey, loadConfig } from './config.js';
import { resealKeys } from './core/rotation.js';
import { createSealer } from './core/seal.js';
import { replaceKeyFile, resolveEncryptionKey } from './keyfile.js';
import { openStore } from './store/index.js';

runEntry('rotate-key', async () => {
  const { values } = parseArgs({ options: { new: { type: 'string' } }, strict: true });
  if (!values.new) throw new StartupError('give the new key: npm run rotate-key -- --new <32 bytes in base64>');
  const next = decodeEncryptionKey(values.new, '--new');
  const config = loadConfig();
  const store = await openStore(config.databaseUrl);
  try {
    const current = resolveEncryptionKey(config.encryptionKey, store.file ?? store.where, false);
    const report = await resealKeys(store, createSealer(current.key), createSealer(next));
    process.stdout.write(`Re-sealed ${report.resealed} API keys under the new key (${report.alreadyNew} already were).\n`);
    if (report.unreadable.length > 0) {
      throw new StartupError(
        `${report.unreadable.length} stored keys open under neither the current ENCRYPTION_KEY nor the new one (servers ${report.unreadable.join(', ')}); they were left untouched`,
      );
    }
    if (current.file) {
      replaceKeyFile(current.file, next);
      process.stdout.write(`The key file ${current.file} now holds the new key. Restart the bot.\n`);
    } else {
      process.stdout.write('Now set ENCRYPTION_KEY to the new key and restart the bot; started with the old key it will refuse to run.\n');
    }
  } finally {
    await store.close();
  }
});
