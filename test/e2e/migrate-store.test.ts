/**
 * npm run migrate-store as an operator runs it, against the built entry: a SQLite store the bot
 * filled (one key set through /apikey, 3,000 more through the GuildRecords with the bot's own key
 * file) moved to PostgreSQL and to Redis, each its own database. The first run is killed with
 * SIGKILL with a query on the wire, the second just after its 2,000th record landed; the third
 * finishes and the fourth copies nothing. The target is then read with the server's own client,
 * every record byte for byte, every sealed key opened under the same key, and the bot started on
 * it. And a record the target already holds differently is reported by key and left alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildRecords } from '../../src/core/guilds.js';
import { createSealer } from '../../src/core/seal.js';
import { SEALING_MARK_KEY, claimSealingMark } from '../../src/core/sealing-mark.js';
import { openStore } from '../../src/store/index.js';
import { startBotProcess } from '../support/bot-process.js';
import { runScript } from '../support/bot-env.js';
import { stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { type Rig, TOKEN, startRig } from '../support/rig.js';
import { type TestDatabase, postgresDatabase, postgresQuery, redisCommand, redisDatabase } from '../support/servers.js';
import { sqliteConnection } from '../support/sqlite.js';
import { tempDir } from '../support/temp.js';

const MIGRATE = fileURLToPath(new URL('../../dist/src/bin/migrate-store.js', import.meta.url));
const ROTATE = fileURLToPath(new URL('../../dist/src/bin/rotate-key.js', import.meta.url));
const KILL_AT = pathToFileURL(fileURLToPath(new URL('../support/kill-at.mjs', import.meta.url))).href;
const FILLED = 3000;
/** The id of the nth filled server (19 digits, as Discord's). */
const filledId = (n: number) => `91${String(n).padStart(17, '0')}`;

let rig: Rig;
/** The bot's sealing key (its key file), the live key set through Discord, and every stored key by server. */
let sealingKey: Buffer;
let liveKey: string;
const apiKeys: Record<string, string> = {};
/** The source as stored, read with sqlite itself: record key to stored text. */
let source: Map<string, string>;

beforeAll(async () => {
  rig = await startRig({ guilds: 1 });
  const guildId = rig.guildIds[0]!;
  liveKey = `move-me-${randomBytes(8).toString('hex')}`;
  const saved = await rig.run({
    ...people(rig.discord, guildId).admin,
    command: 'apikey',
    subcommand: 'set',
    options: [stringOption('key', liveKey)],
  });
  expect(embedOf(saved).title).toBe('API key checked and saved');
  apiKeys[guildId] = liveKey;
  await rig.bot.stop('SIGTERM');

  sealingKey = Buffer.from(readFileSync(`${rig.dir}/data/encryption.key`, 'utf8').trim(), 'base64');
  const store = await openStore(rig.env.DATABASE_URL!);
  try {
    const guilds = new GuildRecords(store, createSealer(sealingKey));
    for (let i = 0; i < FILLED; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, j) => {
          const id = filledId(i + j);
          apiKeys[id] = `bulk-key-${i + j}-${randomBytes(6).toString('hex')}`;
          await guilds.setKey(id, apiKeys[id], 'u');
          if (j % 10 === 0) await guilds.grantRole(id, `${i + j}`, 'u');
        }),
      );
    }
  } finally {
    await store.close();
  }
  source = await sqliteRecords(rig.dbFile);
}, 60_000);
afterAll(() => rig?.close());

async function sqliteRecords(file: string): Promise<Map<string, string>> {
  const db = sqliteConnection(file);
  try {
    const rows = await db.all<{ key: string; value: string }>('SELECT key, value FROM keyv');
    return new Map(rows.map((r) => [r.key.replace(/^sdbot:/, ''), r.value]));
  } finally {
    await db.close();
  }
}

interface Server {
  name: string;
  create(): Promise<TestDatabase | undefined>;
  /** Every record of the bot at `url`, read with the server's own client: record key to stored text. */
  records(url: string): Promise<Map<string, string>>;
  /** A password the server accepts in the URL (to see that none is printed), if it takes one. */
  withPassword(url: string): Promise<string>;
}

const servers: Server[] = [
  {
    name: 'PostgreSQL',
    create: postgresDatabase,
    async records(url) {
      const rows = await postgresQuery(url, "SELECT key, value FROM keyv WHERE starts_with(key, 'sdbot:')");
      return new Map(rows.map((r) => [String(r.key).slice('sdbot:'.length), String(r.value)]));
    },
    async withPassword(url) {
      if (new URL(url).password) return url;
      // A server that trusts loopback ignores a password; one that does not keeps the URL as it was.
      const withOne = new URL(url);
      withOne.password = `pw-${randomBytes(6).toString('hex')}`;
      const client = new pg.Client({ connectionString: withOne.toString() });
      try {
        await client.connect();
        await client.end();
        return withOne.toString();
      } catch {
        return url;
      }
    },
  },
  {
    name: 'Redis',
    create: redisDatabase,
    async records(url) {
      const keys = ((await redisCommand(url, ['KEYS', 'sdbot::*'])) as string[]).toSorted();
      const values = keys.length === 0 ? [] : ((await redisCommand(url, ['MGET', ...keys])) as string[]);
      return new Map(keys.map((k, i) => [k.slice('sdbot::'.length), values[i]!]));
    },
    // A Redis server without a password refuses AUTH: the URL stays as it is.
    withPassword: async (url) => url,
  },
];

const migrateEnv = () => ({ DISCORD_TOKEN: TOKEN, DATABASE_URL: rig.env.DATABASE_URL! });
const migrate = (to: string) => runScript(MIGRATE, migrateEnv(), rig.dir, ['--to', to], 60_000);

/** Runs migrate-store and kills it with SIGKILL at `point` (see kill-at.mjs); returns what it printed. */
async function migrateKilledAt(point: string, to: string): Promise<string> {
  const run = startBotProcess(
    { ...migrateEnv(), KILL_AT: point },
    rig.dir,
    MIGRATE,
    ['--to', to],
    ['--import', KILL_AT],
  );
  expect(await run.exited, `killed at ${point}:\n${run.output()}`).toBe('SIGKILL');
  return run.output();
}

describe.each(servers)('npm run migrate-store from SQLite to $name', (server) => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of databases.splice(0)) await db.drop();
  });

  it('killed twice and rerun, lands every record byte for byte; the keys open under the same key and the bot starts on it', async (ctx) => {
    const db = await server.create();
    if (!db) return ctx.skip();
    databases.push(db);
    const to = await server.withPassword(db.url);
    const password = new URL(to).password;
    const where = new URL(to);
    where.password = password ? '***' : '';
    const total = source.size;
    // The bulk records, the live server's, and the mark naming the key that seals the store.
    expect(total).toBe(FILLED + 2);
    const printed: string[] = [];

    // Killed with its 1,000th write to the server on the wire, its answer not yet read.
    printed.push(await migrateKilledAt('tcp:1000', to));
    expect(printed.at(-1)).toContain(`Copying every record of ${rig.dbFile} to ${where.toString()}`);
    expect(printed.at(-1)).not.toContain('Copied');
    const first = (await server.records(db.url)).size;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(1000);

    // Rerun, killed just after it said 2,000 records had landed: exactly those are there.
    printed.push(await migrateKilledAt('stdout:2000 records so far', to));
    // Writes the killed run had already sent may land after it died: at least `first` were there.
    const [, copied, already] =
      /2000 records so far: (\d+) copied, (\d+) already there, 0 conflicting/.exec(printed.at(-1)!) ?? [];
    expect(Number(copied) + Number(already)).toBe(2000);
    expect(Number(already)).toBeGreaterThanOrEqual(first);
    expect((await server.records(db.url)).size).toBe(2000);

    const third = await migrate(to);
    expect(third.stderr).toBe('');
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(
      `Copied ${total - 2000} records to ${where.toString()}: 2000 already there, 0 conflicting, ${total} in all.`,
    );
    expect(third.stdout).toContain(
      `Next: set DATABASE_URL to the URL given with --to (${where.toString()}) and ENCRYPTION_KEY to the key the API keys are sealed with (the contents of ${rig.dir}/data/encryption.key), then start the bot.`,
    );
    printed.push(third.stdout);

    const moved = await server.records(db.url);
    expect(moved.size).toBe(total);
    expect(moved).toEqual(source);

    const fourth = await migrate(to);
    expect(fourth).toMatchObject({ code: 0, stderr: '' });
    expect(fourth.stdout).toContain(
      `Copied 0 records to ${where.toString()}: ${total} already there, 0 conflicting, ${total} in all.`,
    );
    printed.push(fourth.stdout);
    expect(await server.records(db.url)).toEqual(source);
    // The source is as it was.
    expect(await sqliteRecords(rig.dbFile)).toEqual(source);

    const output = printed.join('\n');
    if (password) expect(output).not.toContain(password);
    expect(output).not.toContain(liveKey);
    expect(output).not.toContain(sealingKey.toString('base64'));

    // Every sealed key opens, to its own value, under the key it was sealed with, read from the target.
    const target = await openStore(db.url);
    try {
      const guilds = new GuildRecords(target, createSealer(sealingKey));
      const ids = Object.keys(apiKeys);
      const opened = await Promise.all(ids.map(async (id) => guilds.openKey(id, await guilds.settings(id))));
      expect(opened.filter((o, i) => o.kind !== 'ok' || o.key !== apiKeys[ids[i]!])).toEqual([]);
      expect((await guilds.settings(filledId(10))).roles).toEqual(['10']);
    } finally {
      await target.close();
    }

    // The bot on the target, with the key file's key as ENCRYPTION_KEY, clears with the key set through Discord.
    await rig.startBot({ DATABASE_URL: db.url, ENCRYPTION_KEY: sealingKey.toString('base64') });
    try {
      rig.sd.setMode('success');
      const guildId = rig.guildIds[0]!;
      expect(embedOf(await rig.run({ ...people(rig.discord, guildId).admin, command: 'clearcache' })).title).toBe(
        'Cache cleared',
      );
      expect(rig.sd.requests.at(-1)?.json).toEqual({ key: liveKey });
    } finally {
      expect(await rig.bot.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);

  it('a record the target holds with another value is named by key, left as it is, and the run ends with status 2', async (ctx) => {
    const db = await server.create();
    if (!db) return ctx.skip();
    databases.push(db);
    const clashingId = filledId(42);
    const target = await openStore(db.url);
    let theirs: string | undefined;
    try {
      // Another bot's record for the same server, under another key, and one the source does not have.
      await new GuildRecords(target, createSealer(randomBytes(32))).setKey(
        clashingId,
        'their-own-key-0123456789',
        'them',
      );
      await new GuildRecords(target, createSealer(randomBytes(32))).grantRole('42', '4242', 'them');
      theirs = (await server.records(db.url)).get(`guild:${clashingId}`);
    } finally {
      await target.close();
    }
    expect(theirs).toBeDefined();

    const run = await migrate(db.url);
    expect(run.code).toBe(2);
    const total = source.size;
    expect(run.stdout).toContain(`${total - 1} records`);
    expect(run.stdout).toContain(`: 0 already there, 1 conflicting, ${total} in all.`);
    expect(run.stdout).not.toContain('Next:');
    expect(run.stderr).toContain(`migrate-store: 1 record at `);
    expect(run.stderr).toContain(`already holds a different value and was left as it is: guild:${clashingId}.`);
    expect(run.stderr).toContain(
      `delete those records at the target (${server.name === 'Redis' ? 'the Redis keys sdbot::<key>' : 'the rows of the table keyv whose key is sdbot:<key>'}), or empty it, and run this again`,
    );
    expect(run.stderr).not.toContain('their-own-key');
    expect(run.stderr).not.toContain(theirs!);
    expect(run.stderr).not.toContain(source.get(`guild:${clashingId}`)!);

    const after = await server.records(db.url);
    expect(after.get(`guild:${clashingId}`)).toBe(theirs);
    expect(after.has('guild:42')).toBe(true);
    after.delete('guild:42');
    after.delete(`guild:${clashingId}`);
    const rest = new Map(source);
    rest.delete(`guild:${clashingId}`);
    expect(after).toEqual(rest);

    // Run again: the same answer, still not overwritten.
    const again = await migrate(db.url);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain(`Copied 0 records`);
    expect(again.stdout).toContain(`: ${total - 1} already there, 1 conflicting, ${total} in all.`);
    expect((await server.records(db.url)).get(`guild:${clashingId}`)).toBe(theirs);
  }, 60_000);
});

describe('npm run migrate-store refuses, plainly and without echoing a password', () => {
  const run = (env: Record<string, string>, args: string[], cwd: string) =>
    runScript(MIGRATE, { DISCORD_TOKEN: TOKEN, ...env }, cwd, args);

  it.each([
    ['no --to', [], /^migrate-store: name the new store: npm run migrate-store -- --to /],
    ['a URL without --to', ['postgres://u:s3cret-pass@127.0.0.1/db'], /^migrate-store: give the new store with --to: /],
    [
      'an unknown option',
      ['--too=postgres://u:s3cret-pass@127.0.0.1/db'],
      /^migrate-store: an option it does not know was given; usage: npm run migrate-store -- --to /,
    ],
    [
      'a URL of another kind',
      ['--to', 'mysql://u:s3cret-pass@127.0.0.1/db'],
      /^migrate-store: --to must look like sqlite:\/\/data\/bot.sqlite, postgres:\/\//,
    ],
    [
      'the store in use',
      ['--to', 'sqlite://data/./bot.sqlite'],
      /^migrate-store: --to names the store DATABASE_URL already uses \(sqlite:\/\/data\/\.\/bot\.sqlite\): give the URL of the new store/,
    ],
    [
      'a server that cannot be reached',
      ['--to', 'postgres://sdbot:s3cret-pass@127.0.0.1:9/nowhere'],
      /^migrate-store: --to: cannot open the PostgreSQL database postgres:\/\/sdbot:\*\*\*@127.0.0.1:9\/nowhere /,
    ],
    [
      'a Redis server that cannot be reached',
      ['--to', 'redis://:s3cret-pass@127.0.0.1:9/0'],
      /^migrate-store: --to: cannot reach the Redis server redis:\/\/:\*\*\*@127.0.0.1:9\/0 /,
    ],
  ])('%s: exit 1, one line, nothing copied', async (_name, args, message) => {
    const dir = tempDir();
    try {
      mkdirSync(`${dir.path}/data`);
      const store = await openStore(`sqlite://${dir.path}/data/bot.sqlite`);
      await store.write('guild:1', { roles: [], audit: [] }, undefined);
      await store.close();
      const result = await run({ DATABASE_URL: 'sqlite://data/bot.sqlite' }, args, dir.path);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr + result.stdout).not.toContain('s3cret-pass');
      expect(result.stdout).not.toContain('Copied');
    } finally {
      dir.remove();
    }
  });

  it('a SQLite source that is not there: refused, and no empty database made in its place', async () => {
    const dir = tempDir();
    try {
      const result = await run(
        { DATABASE_URL: 'sqlite://data/bot.sqlite' },
        ['--to', `sqlite://${dir.path}/new/bot.sqlite`],
        dir.path,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `migrate-store: there is no database at ${dir.path}/data/bot.sqlite: set DATABASE_URL to the store to copy\n`,
      );
      expect(existsSync(`${dir.path}/data/bot.sqlite`)).toBe(false);
      expect(existsSync(`${dir.path}/new`)).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('a target marked by another key (a bot started on it first) keeps its mark; the run says what that record is and ends with status 2', async () => {
    const dir = tempDir();
    try {
      const sealer = createSealer(randomBytes(32));
      const store = await openStore(`sqlite://${dir.path}/data/bot.sqlite`);
      await new GuildRecords(store, sealer).setKey('1', 'a-key-to-move-0123456789', 'u');
      await claimSealingMark(store, sealer);
      await store.close();
      const target = await openStore(`sqlite://${dir.path}/new/bot.sqlite`);
      await claimSealingMark(target, createSealer(randomBytes(32)));
      const theirs = (await target.read(SEALING_MARK_KEY)).value;
      await target.close();

      const result = await run(
        { DATABASE_URL: 'sqlite://data/bot.sqlite' },
        ['--to', `sqlite://${dir.path}/new/bot.sqlite`],
        dir.path,
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('Copied 1 record');
      expect(result.stderr).toContain(`already holds a different value and was left as it is: ${SEALING_MARK_KEY}.`);
      expect(result.stderr).toContain(
        `(${SEALING_MARK_KEY} names the key that seals a store: a bot was started on the target with another ENCRYPTION_KEY.)`,
      );
      const after = await openStore(`sqlite://${dir.path}/new/bot.sqlite`);
      expect((await after.read(SEALING_MARK_KEY)).value).toEqual(theirs);
      await after.close();
    } finally {
      dir.remove();
    }
  });

  it('a rotation finished with ENCRYPTION_KEY (its saved key is the key in use) is not called unfinished: the copy runs', async () => {
    const dir = tempDir();
    try {
      const [old, next] = [randomBytes(32), randomBytes(32)];
      const store = await openStore(`sqlite://${dir.path}/data/bot.sqlite`);
      const sealer = createSealer(old);
      await claimSealingMark(store, sealer);
      await new GuildRecords(store, sealer).setKey('1', 'a-key-to-move-0123456789', 'u');
      await store.close();
      const env = (key: Buffer) => ({
        DATABASE_URL: 'sqlite://data/bot.sqlite',
        ENCRYPTION_KEY: key.toString('base64'),
      });
      const rotated = await runScript(ROTATE, { DISCORD_TOKEN: TOKEN, ...env(old) }, dir.path, [
        '--new',
        next.toString('base64'),
      ]);
      expect(rotated).toMatchObject({ code: 0, stderr: '' });
      const leftover = `${dir.path}/data/encryption.key.next`;
      expect(existsSync(leftover)).toBe(true);

      const args = ['--to', `sqlite://${dir.path}/new/bot.sqlite`];
      const moved = await run(env(next), args, dir.path);
      expect(moved).toMatchObject({ code: 0, stderr: '' });
      expect(moved.stdout).toContain(
        `${leftover} holds the key in use, left by a finished rotation: it is not copied; delete it once ENCRYPTION_KEY or the key file holds that key.`,
      );
      expect(moved.stdout).toContain(`Copied 2 records to ${dir.path}/new/bot.sqlite`);
      // The old key is still refused: to it, the saved key is a rotation not finished.
      const refused = await run(env(old), ['--to', `sqlite://${dir.path}/other/bot.sqlite`], dir.path);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^migrate-store: a key rotation is not finished/);
    } finally {
      dir.remove();
    }
  });

  it('an unfinished key rotation: refused until rotate-key has finished it; then SQLite to SQLite copies all', async () => {
    const dir = tempDir();
    try {
      const store = await openStore(`sqlite://${dir.path}/data/bot.sqlite`);
      await new GuildRecords(store, createSealer(randomBytes(32))).setKey('1', 'a-key-to-move-0123456789', 'u');
      await store.close();
      writeFileSync(`${dir.path}/data/encryption.key.next`, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
      const args = ['--to', `sqlite://${dir.path}/new/bot.sqlite`];
      const refused = await run({ DATABASE_URL: 'sqlite://data/bot.sqlite' }, args, dir.path);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `migrate-store: a key rotation is not finished (its new key is in ${dir.path}/data/encryption.key.next): run npm run rotate-key to finish it, then move the store. Nothing was copied.\n`,
      );
      expect(existsSync(`${dir.path}/new`)).toBe(false);

      writeFileSync(`${dir.path}/data/encryption.key`, readFileSync(`${dir.path}/data/encryption.key.next`));
      rmSync(`${dir.path}/data/encryption.key.next`);
      const done = await run({ DATABASE_URL: 'sqlite://data/bot.sqlite' }, args, dir.path);
      expect(done).toMatchObject({ code: 0, stderr: '' });
      expect(done.stdout).toContain(
        `Copied 1 record to ${dir.path}/new/bot.sqlite: 0 already there, 0 conflicting, 1 in all.`,
      );
      expect(await sqliteRecords(`${dir.path}/new/bot.sqlite`)).toEqual(
        await sqliteRecords(`${dir.path}/data/bot.sqlite`),
      );
    } finally {
      dir.remove();
    }
  });
});
