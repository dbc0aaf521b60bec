/**
 * The built bot against a store server that takes the connection and stops answering (a frozen
 * server, a black-holing firewall, a URL naming another service), made for real: a proxy in front
 * of the real PostgreSQL or Redis that black-holes, or a PostgreSQL URL aimed at Redis's port. At
 * start the bot stops with one line naming DATABASE_URL within the store's deadline; running, every
 * command answers within it, /help without the store, and the bot works again once the server does.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotProcess } from '../support/bot-process.js';
import { embedOf, people } from '../support/people.js';
import { type Rig, startRig, startWorld } from '../support/rig.js';
import { TEST_REDIS_URL, type TestDatabase, postgresDatabase, redisDatabase } from '../support/servers.js';
import { type TcpProxy, tcpProxy } from '../support/tcp-proxy.js';

/** The store's deadline, as an operator sets it (STORE_TIMEOUT_MS): shorter than the default 10 s, to keep the run short. */
const STORE_DEADLINE_MS = 2000;
/** Room for a busy machine: process start, and the answer's way back. */
const SLACK_MS = 6000;
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const STORE_TIMEOUT_MS = String(STORE_DEADLINE_MS);

describe('a store server that takes the connection and never answers, at start', () => {
  /** A black-holing proxy in front of a fresh database of the real server, and its URL through the proxy. */
  const blackHoled = async (create: () => Promise<TestDatabase | undefined>) => {
    const db = await create();
    if (!db) return undefined;
    const proxy = await tcpProxy(db.url);
    proxy.blackHole();
    return {
      url: proxy.url,
      close: async () => {
        await proxy.close();
        await db.drop();
      },
    };
  };
  const redisPort = new URL(TEST_REDIS_URL).port || '6379';
  const redisHost = new URL(TEST_REDIS_URL).hostname;

  it.concurrent.each([
    ['PostgreSQL, black-holed', () => blackHoled(postgresDatabase)],
    ['Redis, black-holed', () => blackHoled(redisDatabase)],
    // Redis reads the PostgreSQL greeting as the start of a command and waits for its end.
    [
      'a PostgreSQL URL naming the Redis server',
      async () =>
        (await redisDatabase())
          ? { url: `postgres://postgres@${redisHost}:${redisPort}/test`, close: async () => undefined }
          : undefined,
    ],
  ])(
    '%s: exit 1 with one line naming DATABASE_URL, within the deadline',
    async (_name, make) => {
      await startsAndStops(
        make,
        /^bot: DATABASE_URL: \w+:\/\/.* took the connection but gave no (PostgreSQL|Redis) answer within 2 s; check that the URL names/,
      );
    },
    STORE_DEADLINE_MS + SLACK_MS + 10_000,
  );

  it(
    'Redis stopping after the greeting, while the bot reads its records: exit 1 with one line naming DATABASE_URL',
    async () => {
      const make = async () => {
        const db = await redisDatabase();
        if (!db) return undefined;
        const proxy = await tcpProxy(db.url);
        proxy.blackHoleWhen((sent) => sent.includes('SCAN'));
        return {
          url: proxy.url,
          close: async () => {
            await proxy.close();
            await db.drop();
          },
        };
      };
      await startsAndStops(
        make,
        /^bot: DATABASE_URL: redis:\/\/.* stopped answering while the bot read its records at start \(no answer to a scan within 2000 ms\); check/,
      );
    },
    STORE_DEADLINE_MS + SLACK_MS + 10_000,
  );

  /** Starts the bot on the store `make` gives, and expects it to stop within the deadline with exactly one line. */
  async function startsAndStops(
    make: () => Promise<{ url: string; close(): Promise<unknown> } | undefined>,
    line: RegExp,
  ) {
    const target = await make();
    if (!target) return;
    const world = await startWorld({ guilds: 1 });
    try {
      const bot = startBotProcess(
        { ...world.env, DATABASE_URL: target.url, ENCRYPTION_KEY, STORE_TIMEOUT_MS },
        world.dir,
      );
      const code = await Promise.race([
        bot.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running'), STORE_DEADLINE_MS + SLACK_MS)),
      ]);
      if (code === 'still running') await bot.stop('SIGKILL');
      expect(code).toBe(1);
      const lines = bot.output().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(line);
    } finally {
      await world.closeWorld();
      await target.close();
    }
  }
});

describe('a Redis server that stops answering while the bot runs', () => {
  let db: TestDatabase | undefined;
  let proxy: TcpProxy;
  let rig: Rig;
  beforeAll(async () => {
    db = await redisDatabase();
    if (!db) return;
    proxy = await tcpProxy(db.url);
    rig = await startRig({ guilds: 1, env: { DATABASE_URL: proxy.url, ENCRYPTION_KEY, STORE_TIMEOUT_MS } });
  });
  afterAll(async () => {
    await rig?.close();
    await proxy?.close();
    await db?.drop();
  });

  it(
    '/help answers without the store and /apikey status says storage is unavailable, both within the deadline; then it works again',
    async (ctx) => {
      if (!db) return ctx.skip();
      const guildId = rig.guildIds[0]!;
      const as = people(rig.discord, guildId);
      proxy.blackHole();
      const timeoutMs = STORE_DEADLINE_MS + SLACK_MS;
      const help = rig.discord.sendInteraction({ ...as.member, command: 'help', timeoutMs });
      const status = rig.discord.sendInteraction({ ...as.admin, command: 'apikey', subcommand: 'status', timeoutMs });
      const [helpReply, statusReply] = await Promise.all([help.reply(), status.reply()]);
      expect(embedOf(helpReply).title).toBe('Stable Diffusion cache bot');
      expect(embedOf(statusReply).title).toBe('Storage unavailable');
      // The line is written before the answer, but reaches the test through another pipe: wait for it.
      await rig.bot.waitForLog((l) => l.msg === 'store unavailable; answering without it', 5000, 'the warn line');

      proxy.resume();
      expect(embedOf(await rig.run({ ...as.admin, command: 'apikey', subcommand: 'status' })).title).toBe(
        'No API key set',
      );
      expect(rig.bot.child.exitCode).toBeNull();
    },
    2 * (STORE_DEADLINE_MS + SLACK_MS),
  );
});
