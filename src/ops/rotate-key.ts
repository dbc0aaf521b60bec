/**
 * npm run rotate-key -- --new <base64>: re-seals every stored API key under a new key. Stop the bot first.
 * The order is what makes kill -9 harmless at any point: open every record (nothing written);
 * save the new key beside the database (encryption.key.next, 0600); mark the store as sealed by
 * the new key (core/sealing-mark.ts); re-seal; close the store;
 * replace the key file; remove the saved new key. While that file exists, a run finishes the
 * rotation to its key whatever --new says.
 */
import { decodeEncryptionKey, loadConfig } from '../config.js';
import { type DamagedKey, checkKeys, largestOtherKeyGroup, resealKeys } from '../core/rotation.js';
import { createSealer, keyId } from '../core/seal.js';
import { moveSealingMark, readSealingMark } from '../core/sealing-mark.js';
import { StartupError } from '../errors.js';
import {
  keyAnchor,
  pendingKeyFileFor,
  pendingRotation,
  removeKeyFile,
  resolveEncryptionKey,
  writeKeyFile,
} from '../keyfile.js';
import { openStore } from '../store/index.js';
import { parseArguments } from './arguments.js';
import { resumable } from './resumable.js';

const USAGE = 'npm run rotate-key -- --new "$(openssl rand -base64 32)"';

const say = (line: string) => process.stdout.write(`${line}\n`);

const REASONS: Record<DamagedKey['reason'], string> = {
  'other-key': 'sealed under another key',
  tampered: 'altered, it does not open',
  malformed: 'not a sealed value',
};

function describe(damaged: DamagedKey[]): string {
  const shown = damaged
    .slice(0, 20)
    .map(({ guildId, reason, kid }) => `server ${guildId} (${REASONS[reason]}${kid ? `, key id ${kid}` : ''})`);
  return shown.join(', ') + (damaged.length > 20 ? ` and ${damaged.length - 20} more` : '');
}

export async function rotateKey(args: string[]): Promise<void> {
  const parsed = parseArguments(args, { usage: USAGE, options: ['new'] });
  if (!parsed) return;
  const { values } = parsed;
  const given = values.new === undefined ? undefined : decodeEncryptionKey(values.new, '--new');
  const config = loadConfig();
  const store = await openStore(config.databaseUrl, { deadlineMs: config.storeTimeoutMs });
  let open = true;
  const close = async () => {
    if (open) {
      open = false;
      await store.close();
    }
  };
  try {
    const current = resolveEncryptionKey(config.encryptionKey, keyAnchor(store), false);
    const source = current.file ? `the key file ${current.file}` : 'ENCRYPTION_KEY';
    const from = createSealer(current.key);
    const pendingFile = pendingKeyFileFor(keyAnchor(store));
    // A saved new key that is already the current one is what a finished rotation leaves behind.
    const rotation = pendingRotation(keyAnchor(store), from.kid);
    const pending = rotation.kind === 'none' ? undefined : rotation.pending;
    const finishing = rotation.kind === 'unfinished';

    let next: Buffer;
    if (rotation.kind === 'unfinished') {
      next = rotation.pending.key;
      say(`Finishing the unfinished rotation to the new key saved in ${rotation.pending.file}.`);
      if (given && keyId(given) !== keyId(next))
        say('The --new key was not used: when this is done, run npm run rotate-key again with it to rotate once more.');
    } else if (!given && pending) {
      if (current.file) removeKeyFile(pending.file);
      say(
        current.file
          ? `No rotation to finish: the key file already holds the key saved in ${pending.file}; that copy was removed.`
          : `No rotation to finish: ENCRYPTION_KEY is already the key saved in ${pending.file}. Delete that file once ENCRYPTION_KEY is saved where the bot reads it.`,
      );
      return;
    } else if (!given) {
      throw new StartupError(`give the new key: ${USAGE}`);
    } else if (keyId(given) === from.kid) {
      throw new StartupError(`--new is the key already in use (${source}): give another one. Nothing was changed.`);
    } else {
      next = given;
    }
    const to = createSealer(next);

    // The store names the key that seals it: the current key, or (a run stopped part way) the new one.
    const marked = await readSealingMark(store, from);
    if (marked.kind === 'other' && marked.kid !== to.kid) {
      throw new StartupError(
        `${source} is not the key that seals the store ${store.where} (that is the key with id ${marked.kid}; this one has id ${from.kid}). ` +
          'Set ENCRYPTION_KEY to the key the bot runs with and run again. Nothing was changed.',
      );
    }
    const check = await checkKeys(store, from, to);
    const good = check.toReseal + check.alreadyNew;
    say(
      `Checked ${check.total} stored API keys: ${check.toReseal} to re-seal, ${check.alreadyNew} already under the new key, ${check.damaged.length} that cannot be opened.`,
    );
    if ((good === 0 && check.total > 0) || largestOtherKeyGroup(check.damaged, to.kid) > good) {
      throw new StartupError(
        `${source} opens only ${good} of the ${check.total} stored API keys; not ${describe(check.damaged)}. ` +
          'Set ENCRYPTION_KEY to the key they were sealed with and run again. Nothing was changed.',
      );
    }

    if (!finishing) {
      writeKeyFile(pendingFile, next);
      say(
        `The new key is saved in ${pendingFile} (mode 0600) until the rotation is done. If this run stops part way, run npm run rotate-key again: it finishes the rotation to that key, whatever --new says.`,
      );
    }
    // The mark moves first: from here on a process with the old key is refused, even on a host without the saved new key.
    const moved = await moveSealingMark(store, from, to);
    if (moved.kind === 'other')
      throw new StartupError(
        `the store ${store.where} was marked by another key (id ${moved.kid}) during the rotation: is another rotate-key running? Nothing was re-sealed; run again once it is done.`,
      );
    const report = await resealKeys(store, from, to);
    say(`Re-sealed ${report.resealed} API keys under the new key (${report.alreadyNew} already were).`);
    // Closing checkpoints the store's log into the database file: the re-sealed keys are on disk before the key file moves on.
    await close();

    if (current.file) {
      writeKeyFile(current.file, next);
      removeKeyFile(pendingFile);
      say(`The key file ${current.file} now holds the new key. Start the bot.`);
    } else {
      say(
        `The new key is in ${pendingFile} (mode 0600): set ENCRYPTION_KEY to its contents where the bot reads it (.env or the service's environment), ` +
          'start the bot, then delete that file. Started with the old key, the bot refuses to run.',
      );
    }
    if (report.damaged.length > 0) {
      const one = report.damaged.length === 1;
      process.stderr.write(
        `rotate-key: the rotation is done, but ${report.damaged.length} stored API ${one ? 'key cannot be opened and was left as it is' : 'keys cannot be opened and were left as they are'}: ${describe(report.damaged)}. ` +
          'The bot still starts; the admins of those servers set their key again with /apikey set.\n',
      );
      process.exitCode = 2;
    }
  } catch (error) {
    throw resumable(error, store.where);
  } finally {
    await close();
  }
}
