/**
 * npm run rotate-key as an operator runs it, against the built entry: thousands of keys, kill -9 at
 * each step that matters, reruns with the same and with another --new, damaged records, and
 * ENCRYPTION_KEY mode. After each run every stored key is opened to see which key it is under.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildRecords, type GuildSettings, guildRecords, settingsKey } from '../../src/core/guilds.js';
import { createSealer } from '../../src/core/seal.js';
import { openStore } from '../../src/store/index.js';
import { startBotProcess } from '../support/bot-process.js';
import { runScript } from '../support/bot-env.js';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { type Rig, TOKEN, startRig } from '../support/rig.js';
import { databaseBytes } from '../support/temp.js';

const ROTATE = fileURLToPath(new URL('../../dist/src/bin/rotate-key.js', import.meta.url));
const KILL_AT = pathToFileURL(fileURLToPath(new URL('../support/kill-at.mjs', import.meta.url))).href;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ guilds: 2 });
});
afterAll(() => rig?.close());

const b64 = (key: Buffer) => key.toString('base64');
const readKey = (file: string) => Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
const modeOf = (file: string) => statSync(file).mode & 0o777;

/** A database in its own folder, and the key each server should get back from it. */
interface Db {
  url: string;
  file: string;
  keyFile: string;
  pendingFile: string;
  expected: Record<string, string>;
}

function databaseIn(dir: string): Db {
  mkdirSync(dir, { recursive: true });
  return {
    url: `sqlite://${dir}/bot.sqlite`,
    file: `${dir}/bot.sqlite`,
    keyFile: `${dir}/encryption.key`,
    pendingFile: `${dir}/encryption.key.next`,
    expected: {},
  };
}

/** Stores `count` server keys sealed under `key`, as the bot would. */
async function fill(db: Db, key: Buffer, count: number): Promise<void> {
  const store = await openStore(db.url);
  try {
    const guilds = new GuildRecords(store, createSealer(key));
    for (let i = 0; i < count; i += 100) {
      const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => i + j);
      await Promise.all(
        batch.map((n) => {
          const id = `${9_000_000_000_000_000 + n}`;
          db.expected[id] = `bulk-key-${n}-${randomBytes(6).toString('hex')}`;
          return guilds.setKey(id, db.expected[id]!, 'u');
        }),
      );
    }
  } finally {
    await store.close();
  }
}

/** How many of the expected keys open, to the right key, under each named key ('none': under none of them). */
async function keysUnder(db: Db, keys: Record<string, Buffer>): Promise<Record<string, number>> {
  const sealers = Object.entries(keys).map(([name, key]) => [name, createSealer(key)] as const);
  const counts: Record<string, number> = {};
  let seen = 0;
  const store = await openStore(db.url);
  try {
    for await (const record of guildRecords(store)) {
      const { guildId } = record;
      const want = db.expected[guildId];
      if (want === undefined) continue;
      seen += 1;
      const sealed = 'settings' in record ? record.settings.apiKey?.sealed : undefined;
      const opener = sealers.find(([, sealer]) => {
        const opened = sealed === undefined ? { ok: false as const } : sealer.open(sealed, guildId);
        return opened.ok && opened.plaintext === want;
      });
      counts[opener?.[0] ?? 'none'] = (counts[opener?.[0] ?? 'none'] ?? 0) + 1;
    }
  } finally {
    await store.close();
  }
  expect(seen, 'every server still has its record').toBe(Object.keys(db.expected).length);
  return counts;
}

const rotateEnv = (db: Db, extra: Record<string, string> = {}) => ({
  DISCORD_TOKEN: TOKEN,
  DATABASE_URL: db.url,
  ...extra,
});
const rotate = (db: Db, args: string[], extra: Record<string, string> = {}) =>
  runScript(ROTATE, rotateEnv(db, extra), rig.dir, args, 30_000);

/** Runs rotate-key and kills it with SIGKILL at `point` (see kill-at.mjs); returns what it printed. */
async function rotateKilledAt(
  point: string,
  db: Db,
  args: string[],
  extra: Record<string, string> = {},
): Promise<string> {
  const run = startBotProcess({ ...rotateEnv(db, extra), KILL_AT: point }, rig.dir, ROTATE, args, [
    '--import',
    KILL_AT,
  ]);
  expect(await run.exited, `killed at ${point}:\n${run.output()}`).toBe('SIGKILL');
  return run.output();
}

const expectNoKeyMaterial = (text: string, keys: Buffer[]) => {
  for (const key of keys) expect(text).not.toContain(b64(key));
};

describe('npm run rotate-key', () => {
  it('killed with kill -9 at each step and rerun with the same or another --new, loses no key; the bot then starts on the new key', async () => {
    const guildId = rig.guildIds[0]!;
    const liveKey = `rotate-me-${randomBytes(8).toString('hex')}`;
    const saved = await rig.run({
      ...people(rig.discord, guildId).admin,
      command: 'apikey',
      subcommand: 'set',
      options: [stringOption('key', liveKey)],
    });
    expect(embedOf(saved).title).toBe('API key checked and saved');
    await rig.bot.stop('SIGTERM');

    const db = databaseIn(`${rig.dir}/data`);
    db.expected[guildId] = liveKey;
    const old = readKey(db.keyFile);
    await fill(db, old, 3000);
    const total = 3001;
    const [n1, n2, n3] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const keys = { old, n1, n2, n3 };
    const printed: string[] = [];

    // Killed while checking (at the 1,500th open): nothing written, not even the new key.
    printed.push(await rotateKilledAt('open:1500', db, ['--new', b64(n1)]));
    expect(printed.at(-1)).not.toContain('Checked');
    expect(existsSync(db.pendingFile)).toBe(false);
    expect(readKey(db.keyFile)).toEqual(old);
    expect(await keysUnder(db, keys)).toEqual({ old: total });

    // Rerun with another --new, killed while re-sealing (at the 1,000th seal): the new key was saved first.
    printed.push(await rotateKilledAt('seal:1000', db, ['--new', b64(n2)]));
    expect(printed.at(-1)).toContain(
      `Checked ${total} stored API keys: ${total} to re-seal, 0 already under the new key, 0 that cannot be opened.`,
    );
    expect(readKey(db.pendingFile)).toEqual(n2);
    expect(modeOf(db.pendingFile)).toBe(0o600);
    expect(readKey(db.keyFile)).toEqual(old);
    expect(await keysUnder(db, keys)).toEqual({ old: total - 999, n2: 999 });

    // Meanwhile the bot refuses to start, naming the saved key and the command that finishes.
    const early = startBotProcess(rig.env, rig.dir);
    expect(await early.exited).toBe(1);
    expect(early.output()).toContain(
      `a key rotation is not finished: its new key is in ${db.pendingFile}. Run npm run rotate-key to finish it`,
    );

    // Rerun with a third --new, killed after re-sealing, just before the key file is replaced: it finished to the saved key.
    printed.push(await rotateKilledAt('rename:encryption.key', db, ['--new', b64(n3)]));
    expect(printed.at(-1)).toContain(`Finishing the unfinished rotation to the new key saved in ${db.pendingFile}.`);
    expect(printed.at(-1)).toContain('The --new key was not used');
    expect(printed.at(-1)).toContain(`Re-sealed ${total - 999} API keys under the new key (999 already were).`);
    expect(readKey(db.keyFile)).toEqual(old);
    expect(await keysUnder(db, keys)).toEqual({ n2: total });

    // Rerun with the same --new, killed after the key file is replaced, before the saved copy is removed.
    printed.push(await rotateKilledAt('unlink:encryption.key.next', db, ['--new', b64(n2)]));
    expect(printed.at(-1)).toContain(`Re-sealed 0 API keys under the new key (${total} already were).`);
    expect(readKey(db.keyFile)).toEqual(n2);
    expect(readKey(db.pendingFile)).toEqual(n2);

    // The command again without --new: nothing left to finish; the leftover copy goes.
    const noop = await rotate(db, []);
    expect(noop).toMatchObject({ code: 0, stderr: '' });
    expect(noop.stdout).toContain('No rotation to finish');
    expect(existsSync(db.pendingFile)).toBe(false);

    // And a rotation to yet another key runs through.
    const last = await rotate(db, ['--new', b64(n3)]);
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    expect(last.stdout).toContain(`Re-sealed ${total} API keys under the new key (0 already were).`);
    expect(last.stdout).toContain(`The key file ${db.keyFile} now holds the new key.`);
    expect(readKey(db.keyFile)).toEqual(n3);
    expect(modeOf(db.keyFile)).toBe(0o600);
    expect(existsSync(db.pendingFile)).toBe(false);
    expect(await keysUnder(db, keys)).toEqual({ n3: total });
    printed.push(noop.stdout, last.stdout);
    expectNoKeyMaterial(printed.join('\n'), Object.values(keys));

    const stale = startBotProcess({ ...rig.env, ENCRYPTION_KEY: b64(n2) }, rig.dir);
    expect(await stale.exited).toBe(1);
    expect(stale.output()).toContain('ENCRYPTION_KEY does not open');
    await rig.startBot();
    rig.sd.setMode('success');
    expect(embedOf(await rig.run({ ...people(rig.discord, guildId).admin, command: 'clearcache' })).title).toBe(
      'Cache cleared',
    );
    expect(rig.sd.requests.at(-1)?.json).toEqual({ key: liveKey });
  }, 60_000);

  it('reports and skips damaged records, rotates the rest and moves the key file on; the bot starts and names those servers', async () => {
    await rig.bot.stop('SIGTERM');
    const db = databaseIn(`${rig.dir}/damaged`);
    const old = randomBytes(32);
    writeFileSync(db.keyFile, `${b64(old)}\n`, { mode: 0o600 });
    await fill(db, old, 200);
    const damaged = { plain: '8100000000000000001', stray: '8100000000000000002', altered: '8100000000000000003' };
    const store = await openStore(db.url);
    try {
      await store.keyv.set(settingsKey(damaged.plain), {
        roles: [],
        audit: [],
        apiKey: { sealed: 'sk-stored-in-plaintext-0123', setBy: 'u', setAt: 1 },
      });
      await new GuildRecords(store, createSealer(randomBytes(32))).setKey(damaged.stray, 'stray-key-0123456789', 'u');
      await new GuildRecords(store, createSealer(old)).setKey(damaged.altered, 'altered-key-0123456789', 'u');
      const record = (await store.keyv.get<GuildSettings>(settingsKey(damaged.altered)))!;
      const parts = record.apiKey!.sealed.split('.');
      parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BB' : 'AA'}`; // the auth tag
      await store.keyv.set(settingsKey(damaged.altered), {
        ...record,
        apiKey: { ...record.apiKey!, sealed: parts.join('.') },
      });
    } finally {
      await store.close();
    }
    const damagedBefore = await databaseBytes(db.file);

    // A current key that opens nothing is refused before anything is written.
    const wrong = await rotate(db, ['--new', b64(randomBytes(32))], { ENCRYPTION_KEY: b64(randomBytes(32)) });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ENCRYPTION_KEY opens only 0 of the 203 stored API keys');
    expect(wrong.stderr).toContain('Nothing was changed.');
    expect(existsSync(db.pendingFile)).toBe(false);
    expect(await databaseBytes(db.file)).toBe(damagedBefore);

    const next = randomBytes(32);
    const run = await rotate(db, ['--new', b64(next)]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      'Checked 203 stored API keys: 200 to re-seal, 0 already under the new key, 3 that cannot be opened.',
    );
    expect(run.stdout).toContain('Re-sealed 200 API keys under the new key (0 already were).');
    expect(run.stderr).toContain(
      'the rotation is done, but 3 stored API keys cannot be opened and were left as they are',
    );
    expect(run.stderr).toContain(`server ${damaged.plain} (not a sealed value)`);
    expect(run.stderr).toMatch(new RegExp(`server ${damaged.stray} \\(sealed under another key, key id [\\w-]{11}\\)`));
    expect(run.stderr).toContain(
      `server ${damaged.altered} (altered, it does not open, key id ${createSealer(old).kid})`,
    );
    expect(readKey(db.keyFile)).toEqual(next);
    expect(existsSync(db.pendingFile)).toBe(false);
    expect(await keysUnder(db, { old, next })).toEqual({ next: 200 });
    const after = await openStore(db.url);
    try {
      for (const id of Object.values(damaged)) {
        const sealed = (await after.keyv.get<GuildSettings>(settingsKey(id)))?.apiKey?.sealed;
        expect(damagedBefore, `server ${id} left as it was`).toContain(sealed);
      }
    } finally {
      await after.close();
    }

    const bot = startBotProcess({ ...rig.env, DATABASE_URL: db.url }, rig.dir);
    const warning = await bot.waitForLog(
      (l) => l.msg.includes('ENCRYPTION_KEY cannot open'),
      15_000,
      'the warning naming the damaged servers',
    );
    expect(warning.count).toBe(3);
    expect((warning.servers as string[]).toSorted()).toEqual(Object.values(damaged).toSorted());
    await bot.waitForLog((l) => l.msg === 'ready', 15_000, 'the ready line');
    expect(await bot.stop('SIGTERM')).toBe(0);
  });

  it('with ENCRYPTION_KEY set, the new key waits in a 0600 file: kill -9 and another --new lose nothing, and the bot starts once ENCRYPTION_KEY comes from it', async () => {
    await rig.bot.stop('SIGTERM');
    const db = databaseIn(`${rig.dir}/env`);
    const old = randomBytes(32);
    await fill(db, old, 300);
    const [n1, n2] = [randomBytes(32), randomBytes(32)];
    const oldEnv = { ENCRYPTION_KEY: b64(old) };

    await rotateKilledAt('seal:100', db, ['--new', b64(n1)], oldEnv);
    expect(readKey(db.pendingFile)).toEqual(n1);
    expect(await keysUnder(db, { old, n1 })).toEqual({ old: 201, n1: 99 });

    const run = await rotate(db, ['--new', b64(n2)], oldEnv);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('Finishing the unfinished rotation');
    expect(run.stdout).toContain(`The new key is in ${db.pendingFile} (mode 0600): set ENCRYPTION_KEY to its contents`);
    expectNoKeyMaterial(run.stdout, [old, n1, n2]);
    expect(readKey(db.pendingFile)).toEqual(n1);
    expect(modeOf(db.pendingFile)).toBe(0o600);
    expect(existsSync(db.keyFile)).toBe(false);
    expect(await keysUnder(db, { old, n1, n2 })).toEqual({ n1: 300 });

    const stale = startBotProcess({ ...rig.env, DATABASE_URL: db.url, ...oldEnv }, rig.dir);
    expect(await stale.exited).toBe(1);
    expect(stale.output()).toContain(`its new key is in ${db.pendingFile}`);

    const fromFile = { ENCRYPTION_KEY: readFileSync(db.pendingFile, 'utf8').trim() };
    const bot = startBotProcess({ ...rig.env, DATABASE_URL: db.url, ...fromFile }, rig.dir);
    const leftover = await bot.waitForLog(
      (l) => l.msg.startsWith('a finished key rotation left'),
      15_000,
      'the leftover-file warning',
    );
    expect(leftover.file).toBe(db.pendingFile);
    await bot.waitForLog((l) => l.msg === 'ready', 15_000, 'the ready line');
    expect(await bot.stop('SIGTERM')).toBe(0);

    // Nothing left to finish; the file is the operator's to delete, once ENCRYPTION_KEY is saved.
    const again = await rotate(db, [], fromFile);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain(
      `No rotation to finish: ENCRYPTION_KEY is already the key saved in ${db.pendingFile}`,
    );
    expect(existsSync(db.pendingFile)).toBe(true);
  });

  it('moves the mark of the key that seals the store: the bot starts on the new key, and the old one is refused even with no API key stored', async () => {
    if (rig.bot.child.exitCode === null) await rig.bot.stop('SIGTERM');
    const db = databaseIn(`${rig.dir}/marked`);
    const first = startBotProcess({ ...rig.env, DATABASE_URL: db.url }, rig.dir);
    await first.waitForLog((l) => l.msg === 'ready', 15_000, 'the ready line');
    expect(await first.stop('SIGTERM')).toBe(0);
    const old = readKey(db.keyFile);
    const next = randomBytes(32);

    // A key that is not the store's is refused before anything is written.
    const stray = randomBytes(32);
    const refused = await rotate(db, ['--new', b64(next)], { ENCRYPTION_KEY: b64(stray) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^rotate-key: ENCRYPTION_KEY is not the key that seals the store ${db.file} \\(that is the key with id ${createSealer(old).kid}; this one has id ${createSealer(stray).kid}\\)\\. .*Nothing was changed\\.\n$`,
      ),
    );
    expect(existsSync(db.pendingFile)).toBe(false);

    const run = await rotate(db, ['--new', b64(next)]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(readKey(db.keyFile)).toEqual(next);
    expectNoKeyMaterial(run.stdout, [old, next]);

    const stale = startBotProcess({ ...rig.env, DATABASE_URL: db.url, ENCRYPTION_KEY: b64(old) }, rig.dir);
    expect(await stale.exited).toBe(1);
    expect(stale.output()).toContain(
      `bot: ENCRYPTION_KEY is not the key that seals the store ${db.file}: that is the key with id ${createSealer(next).kid}`,
    );
    expectNoKeyMaterial(stale.output(), [old, next]);
    const bot = startBotProcess({ ...rig.env, DATABASE_URL: db.url }, rig.dir);
    await bot.waitForLog((l) => l.msg === 'ready', 15_000, 'the ready line');
    expect(await bot.stop('SIGTERM')).toBe(0);
  });

  it('without --new and nothing to finish, explains itself and changes nothing', async () => {
    const result = await runScript(ROTATE, { DISCORD_TOKEN: TOKEN, DATABASE_URL: rig.env.DATABASE_URL! }, rig.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--new');
  });
});
