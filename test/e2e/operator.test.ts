/**
 * The operator's path, through the built entry points: a DATABASE_URL from a CRLF env file, two
 * processes started with different keys on one empty store, a backup into a missing folder, and a
 * restore pointed at the live database under another name.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyId } from '../../src/core/seal.js';
import { type BotProcess, startBotProcess, startEnds } from '../support/bot-process.js';
import { runScript } from '../support/bot-env.js';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { type Rig, type World, startRig, startWorld } from '../support/rig.js';
import { redactUrl } from '../../src/store/index.js';
import { type TestDatabase, postgresDatabase, redisDatabase } from '../support/servers.js';

const BACKUP = fileURLToPath(new URL('../../dist/src/bin/backup.js', import.meta.url));
const RESTORE = fileURLToPath(new URL('../../dist/src/bin/restore.js', import.meta.url));
const ROTATE = fileURLToPath(new URL('../../dist/src/bin/rotate-key.js', import.meta.url));

const setKey = (world: World, guildId: string, key: string, endpoint?: string) =>
  world.discord
    .sendInteraction({
      ...people(world.discord, guildId).admin,
      command: 'apikey',
      subcommand: 'set',
      options: [stringOption('key', key)],
      ...(endpoint ? { endpoint } : {}),
    })
    .reply();
const status = (world: World, guildId: string, endpoint?: string) =>
  world.discord
    .sendInteraction({
      ...people(world.discord, guildId).admin,
      command: 'apikey',
      subcommand: 'status',
      ...(endpoint ? { endpoint } : {}),
    })
    .reply();

/** Everything of the world's environment but DATABASE_URL. */
const withoutDatabaseUrl = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).filter(([name]) => name !== 'DATABASE_URL'));

describe('DATABASE_URL with what an env file adds', () => {
  let rig: Rig;
  let guildId: string;
  beforeAll(async () => {
    rig = await startRig({ guilds: 2, env: { DATABASE_URL: 'sqlite://data/bot.sqlite' } });
    guildId = rig.guildIds[0]!;
    expect(embedOf(await setKey(rig, guildId, 'stored-key-1234567')).title).toBe('API key checked and saved');
    await rig.bot.stop('SIGTERM');
  });
  afterAll(() => rig?.close());

  const startsOnTheStore = async (bot: BotProcess) => {
    const ready = await bot.waitForLog((l) => l.msg === 'ready', 15_000, 'the ready line');
    expect(ready).toMatchObject({ storedKeys: 1, database: rig.dbFile });
    expect(embedOf(await status(rig, guildId)).description).toContain('••••4567');
    expect(await bot.stop('SIGTERM')).toBe(0);
    // No second database beside it under a name with the stray character.
    const expected = ['bot.sqlite', 'bot.sqlite-shm', 'bot.sqlite-wal', 'encryption.key'];
    expect(readdirSync(`${rig.dir}/data`).filter((name) => !expected.includes(name))).toEqual([]);
  };

  it('a CRLF .env whose DATABASE_URL ends in a space inside its quotes opens the same database, with its keys', async () => {
    writeFileSync(
      `${rig.dir}/.env`,
      'LOG_LEVEL=debug\r\nDATABASE_URL="sqlite://data/bot.sqlite "\r\nCLEARCACHE_COOLDOWN_S=0\r\n',
    );
    try {
      await startsOnTheStore(startBotProcess(withoutDatabaseUrl(rig.env), rig.dir));
    } finally {
      writeFileSync(`${rig.dir}/.env`, '');
    }
  });

  it('a DATABASE_URL ending in the CR of a CRLF file (read by a shell or a service manager) opens the same database', async () => {
    await startsOnTheStore(startBotProcess({ ...rig.env, DATABASE_URL: 'sqlite://data/bot.sqlite\r' }, rig.dir));
  });

  it('a SQLite DATABASE_URL with a ?query stops the start with one line naming DATABASE_URL, creating no file', async () => {
    const bot = startBotProcess({ ...rig.env, DATABASE_URL: 'sqlite://data/bot.sqlite?mode=ro' }, rig.dir);
    // A bot that gets as far as ready has opened some other file: that ends the wait too.
    const end = await startEnds(bot);
    expect(end).toBe(1);
    const lines = bot.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^bot: DATABASE_URL is a file path after sqlite:\/\/ and takes no \?options or #fragment: remove everything from the \? or #/,
    );
    expect(readdirSync(`${rig.dir}/data`).some((name) => name.includes('?'))).toBe(false);
  });
});

describe('a key file lost beside a store that holds sealed keys', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ guilds: 1 });
  });
  afterAll(() => rig?.close());

  it('the first start on an empty store makes the key file and says so once', () => {
    const made = rig.bot.logs().filter((l) => l.msg.startsWith('generated ENCRYPTION_KEY'));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ file: `${rig.dir}/data/encryption.key` });
  });

  it('a start without it stops with one line naming the file and the fix, and writes no new key', async () => {
    const guildId = rig.guildIds[0]!;
    expect(embedOf(await setKey(rig, guildId, 'sealed-before-loss-1357')).title).toBe('API key checked and saved');
    expect(await rig.bot.stop('SIGTERM')).toBe(0);
    const keyFile = `${rig.dir}/data/encryption.key`;
    renameSync(keyFile, `${rig.dir}/encryption.key.backup`);

    const refused = startBotProcess(rig.env, rig.dir);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toBe(
      `bot: ENCRYPTION_KEY is not set and the key file ${keyFile} is missing, but the store ${rig.dbFile} holds data sealed with it: ` +
        `put back the backup of ${keyFile}, or set ENCRYPTION_KEY to that key. Nothing was written.\n`,
    );
    expect(existsSync(keyFile)).toBe(false);

    renameSync(`${rig.dir}/encryption.key.backup`, keyFile);
    await rig.startBot();
    expect(embedOf(await status(rig, guildId)).description).toContain('••••1357');
  });
});

describe.each([
  ['a SQLite file', async () => ({ url: '', drop: async () => undefined }) as TestDatabase],
  ['PostgreSQL', postgresDatabase],
  ['Redis', redisDatabase],
] as const)(
  'two bot processes with different ENCRYPTION_KEYs started at once on one empty store (%s)',
  (name, create) => {
    let world: Awaited<ReturnType<typeof startWorld>>;
    const bots: BotProcess[] = [];
    beforeAll(async () => {
      world = await startWorld({ guilds: 3, mode: 'http' });
    });
    afterAll(async () => {
      for (const bot of bots) await bot.stop('SIGKILL').catch(() => undefined);
      await world?.closeWorld();
    });

    /** 'ready' with its endpoint, or the exit code. */
    const outcome = (bot: BotProcess): Promise<{ ready: string } | { exit: number | string }> =>
      bot
        .waitForLog((l) => l.msg === 'ready', 30_000, 'the ready line')
        .then(
          (line) => ({ ready: `http://${String(line.http)}/interactions` }),
          async (error: unknown) => {
            if (bot.child.exitCode === null && bot.child.signalCode === null) throw error;
            return { exit: await bot.exited };
          },
        );

    it('exactly one runs; the other exits 1 naming ENCRYPTION_KEY, every round', async (ctx) => {
      for (let round = 0; round < 3; round += 1) {
        const db = await create();
        if (!db) return ctx.skip();
        try {
          const url = name !== 'a SQLite file' ? db.url : `sqlite://${world.dir}/round${round}/bot.sqlite`;
          const keys = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
          const pair = keys.map((key) =>
            startBotProcess({ ...world.env, DATABASE_URL: url, ENCRYPTION_KEY: key }, world.dir),
          );
          bots.push(...pair);
          const outcomes = await Promise.all(pair.map(outcome));
          const winners = outcomes.flatMap((o, i) => ('ready' in o ? [i] : []));
          expect(winners, `round ${round}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
          const winner = winners[0]!;
          const loser = 1 - winner;
          expect(outcomes[loser]).toEqual({ exit: 1 });
          const said = pair[loser]!.output().trim();
          expect(said.split('\n').filter((line) => line.startsWith('bot:'))).toHaveLength(1);
          expect(said).toMatch(
            /bot: ENCRYPTION_KEY is not the key that seals the store .*: that is the key with id \S+, this one has id \S+\. Every process on a store must use the same key/,
          );
          for (const key of keys) expect(said).not.toContain(key);
          // The store is named as it is, never as a file it is not.
          expect(said).toContain(
            `the store ${name !== 'a SQLite file' ? redactUrl(url) : `${world.dir}/round${round}/bot.sqlite`}:`,
          );
          expect(said).not.toContain('data/store');

          // The one that runs seals and opens as ever; the other, started again alone, is still refused.
          const endpoint = (outcomes[winner] as { ready: string }).ready;
          const guildId = world.guildIds[round % world.guildIds.length]!;
          expect(embedOf(await setKey(world, guildId, `round-${round}-key-98765`, endpoint)).title).toBe(
            'API key checked and saved',
          );
          const again = startBotProcess({ ...world.env, DATABASE_URL: url, ENCRYPTION_KEY: keys[loser]! }, world.dir);
          bots.push(again);
          expect(await again.exited).toBe(1);
          expect(again.output()).toMatch(
            /ENCRYPTION_KEY does not open 1 of the 1 API keys|ENCRYPTION_KEY is not the key that seals the store/,
          );
          expect(again.output()).not.toContain('data/store');
          expect(await pair[winner]!.stop('SIGTERM')).toBe(0);
        } finally {
          await db.drop();
        }
      }
    }, 120_000);
  },
);

describe("npm run backup and restore on the operator's paths", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig({ guilds: 2 });
  });
  afterAll(() => rig?.close());
  const tool = (entry: string, file: string) =>
    runScript(entry, { DISCORD_TOKEN: 'unused', DATABASE_URL: rig.env.DATABASE_URL! }, rig.dir, [file]);

  it('a backup into a folder that does not exist is one line naming the folder and the fix', async () => {
    const result = await tool(BACKUP, `${rig.dir}/no-such-folder/backup.sqlite`);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `backup: the folder ${rig.dir}/no-such-folder does not exist: create it (mkdir -p ${rig.dir}/no-such-folder) or pick another place for the backup\n`,
    );
    expect(existsSync(`${rig.dir}/no-such-folder`)).toBe(false);
  });

  it('a restore onto a new host creates the folder DATABASE_URL names; a folder as the backup, or an unusable target, is one line', async () => {
    const backup = `${rig.dir}/fresh-host.sqlite`;
    expect((await tool(BACKUP, backup)).code).toBe(0);
    const restoreTo = (url: string, file: string) =>
      runScript(RESTORE, { DISCORD_TOKEN: 'unused', DATABASE_URL: url }, rig.dir, [file]);

    const fresh = await restoreTo('sqlite://newdata/bot.sqlite', backup);
    expect(fresh.stderr).toBe('');
    expect(fresh.stdout).toMatch(/^Restored \d+ records into .*\/newdata\/bot\.sqlite\./);
    expect(fresh.code).toBe(0);
    expect(readdirSync(`${rig.dir}/newdata`)).toEqual(['bot.sqlite']);

    mkdirSync(`${rig.dir}/backups`);
    const folder = await restoreTo('sqlite://other/bot.sqlite', 'backups');
    expect(folder).toEqual({
      code: 1,
      stdout: '',
      stderr: `restore: ${rig.dir}/backups is a folder, not a backup: name the backup file in it\n`,
    });

    // The folder the database would go in cannot be made: a file holds its name.
    writeFileSync(`${rig.dir}/taken`, 'a file, not a folder');
    const blocked = await restoreTo('sqlite://taken/bot.sqlite', backup);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(
      new RegExp(
        `^restore: cannot restore into ${rig.dir}/taken/bot\\.sqlite \\(.*\\): check that the folder ${rig.dir}/taken can be created, is writable and has room, then run the restore again\\. Nothing was changed\\.\n$`,
      ),
    );
    expect(blocked.stderr).not.toMatch(/unexpected failure/);
  });

  it('a restore whose "backup" is the live database (same path, relative, symlink, hard link) is refused and loses nothing', async () => {
    const guildId = rig.guildIds[0]!;
    expect(embedOf(await setKey(rig, guildId, 'acknowledged-key-24680')).title).toBe('API key checked and saved');
    // Killed: what was acknowledged is in the -wal, which a restore removes.
    await rig.bot.stop('SIGKILL');
    expect(existsSync(`${rig.dbFile}-wal`)).toBe(true);
    mkdirSync(`${rig.dir}/links`);
    symlinkSync(rig.dbFile, `${rig.dir}/links/symlink.sqlite`);
    linkSync(rig.dbFile, `${rig.dir}/links/hardlink.sqlite`);
    for (const name of [
      rig.dbFile,
      'data/bot.sqlite',
      './data/../data/bot.sqlite',
      `${rig.dir}/links/symlink.sqlite`,
      'links/hardlink.sqlite',
    ]) {
      const result = await tool(RESTORE, name);
      expect(result.code, name).toBe(1);
      expect(result.stderr, name).toMatch(
        /^restore: .* is the database DATABASE_URL names \(.*bot\.sqlite\), not a backup of it: restore a copy made with npm run backup\. Nothing was changed\.\n$/,
      );
      expect(result.stdout, name).toBe('');
    }
    expect(existsSync(`${rig.dbFile}-wal`)).toBe(true);
    await rig.startBot();
    expect(embedOf(await status(rig, guildId)).description).toContain('••••4680');
  });

  it('a restore of a backup sealed under the key before a rotation says so, with both key ids, before the bot would refuse', async () => {
    const backup = `${rig.dir}/before-rotation.sqlite`;
    expect((await tool(BACKUP, backup)).code).toBe(0);
    await rig.bot.stop('SIGTERM');
    const old = readFileSync(`${rig.dir}/data/encryption.key`, 'utf8').trim();
    const rotated = await runScript(ROTATE, { DISCORD_TOKEN: 'unused', DATABASE_URL: rig.env.DATABASE_URL! }, rig.dir, [
      '--new',
      randomBytes(32).toString('base64'),
    ]);
    expect(rotated).toMatchObject({ code: 0, stderr: '' });
    const next = readFileSync(`${rig.dir}/data/encryption.key`, 'utf8').trim();

    const restored = await tool(RESTORE, backup);
    expect(restored.stdout).toMatch(/^Restored \d+ records/);
    expect(restored.stderr).toBe(
      `restore: the backup is sealed under the key with id ${keyId(Buffer.from(old, 'base64'))}, not the key in the key file ${rig.dir}/data/encryption.key (id ${keyId(Buffer.from(next, 'base64'))}): ` +
        'set ENCRYPTION_KEY to the key the backup was made with before you start the bot, or it refuses to start.\n',
    );
    expect(restored.code).toBe(2);
    for (const key of [old, next]) expect(restored.stdout + restored.stderr).not.toContain(key);

    const refused = startBotProcess(rig.env, rig.dir);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(
      /ENCRYPTION_KEY \(here the key file .*\) (does not open|is not the key that seals)/,
    );
    await rig.startBot({ ENCRYPTION_KEY: old });
  });
});
