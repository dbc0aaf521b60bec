/**
 * One deadline for every store call, on every backend: a server that keeps the connection and stops
 * answering fails a call in time (a read: nothing changed; a write: outcome unknown) and the store
 * works again once it answers; a server that never answers stops the opening, naming DATABASE_URL;
 * a stall shorter than the deadline is ridden out on every backend. Stalls are made for real: a
 * black-holing proxy in front of the real server, a listener that never answers, a held lock.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GuildRecords, settingsKey } from '../../src/core/guilds.js';
import { parseConfig } from '../../src/config.js';
import { StoreError } from '../../src/core/errors.js';
import { createSealer } from '../../src/core/seal.js';
import { STORE_DEADLINE_MS, type Store, openStore } from '../../src/store/index.js';
import { type TestDatabase, openStoreForStallTest, postgresDatabase, redisDatabase } from '../support/servers.js';
import { sqliteConnection } from '../support/sqlite.js';
import { type TcpProxy, silentListener, tcpProxy } from '../support/tcp-proxy.js';
import { tempDir } from '../support/temp.js';

/** Short, so each stall costs the run little; the production figure is STORE_DEADLINE_MS. */
const DEADLINE_MS = 400;
/** Room for a busy machine between the deadline and the failure being seen. */
const SLACK_MS = 1500;

const sealer = createSealer(randomBytes(32));
const failure = <T>(promise: Promise<T>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe.each([
  { name: 'postgres', create: postgresDatabase },
  { name: 'redis', create: redisDatabase },
])('a $name server that stops answering', ({ name, create }) => {
  let db: TestDatabase | undefined;
  let proxy: TcpProxy;
  let store: Store;
  let guilds: GuildRecords;
  beforeAll(async () => {
    db = await create();
    if (!db) return;
    proxy = await tcpProxy(db.url);
    store = await openStoreForStallTest(proxy.url, DEADLINE_MS);
    guilds = new GuildRecords(store, sealer);
  });
  afterEach(() => proxy?.resume());
  afterAll(async () => {
    await store?.close().catch(() => undefined);
    await proxy?.close();
    await db?.drop();
  });

  it('fails a read and a write in time, says the write may have landed, and works again once it answers', async (ctx) => {
    if (!db) return ctx.skip();
    await guilds.setKey('1001', 'before-the-stall-0001', 'admin');
    const before = await guilds.settings('1001');
    proxy.blackHole();

    let started = performance.now();
    const write = await failure(guilds.grantRole('1001', '2002', 'admin', before));
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(write).toBeInstanceOf(StoreError);
    expect(write).toMatchObject({ written: 'unknown' });

    started = performance.now();
    const read = await failure(guilds.settings('1001'));
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(read).toBeInstanceOf(StoreError);
    expect(read).toMatchObject({ written: 'none' });

    proxy.resume();
    // The store answers again by itself (a dropped connection is made anew).
    let after: Awaited<ReturnType<GuildRecords['settings']>> | undefined;
    for (let attempt = 0; attempt < 50 && !after; attempt++)
      after = await guilds.settings('1001').catch(() => undefined);
    expect(guilds.openKey('1001', after!)).toMatchObject({ key: 'before-the-stall-0001' });
    // What "unknown" means: on Redis the held-back write was delivered and landed after all.
    if (name === 'redis') expect(after!.roles).toEqual(['2002']);
    await guilds.grantRole('1001', '3003', 'admin');
    expect((await guilds.settings('1001')).roles).toContain('3003');
  });

  it('a walk over the records fails in time too', async (ctx) => {
    if (!db) return ctx.skip();
    proxy.blackHole();
    const started = performance.now();
    const walked = await failure(
      (async () => {
        for await (const _ of store.scan('guild:')) {
          // every step is bounded
        }
      })(),
    );
    expect(walked).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
  });
});

describe('a store server that takes the connection and never answers, at start', () => {
  const cases = [
    {
      name: 'PostgreSQL black-holed',
      server: postgresDatabase,
      url: (port: number, db: string) => `postgres://postgres:s3cret-pass@127.0.0.1:${port}${new URL(db).pathname}`,
    },
    {
      name: 'Redis black-holed',
      server: redisDatabase,
      url: (port: number) => `redis://:s3cret-pass@127.0.0.1:${port}/0`,
    },
  ];
  it.each(cases)('$name: the opening stops within the deadline, naming DATABASE_URL', async ({ server, url }) => {
    const db = await server();
    if (!db) return;
    const proxy = await tcpProxy(db.url);
    proxy.blackHole();
    try {
      const started = performance.now();
      const error = await failure(openStore(url(proxy.port, db.url), { deadlineMs: DEADLINE_MS }));
      expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(proxy.accepted()).toBeGreaterThan(0);
      expect(error?.name).toBe('StoreOpenError');
      expect(error?.message).toMatch(
        /^DATABASE_URL: \w+:\/\/.*127\.0\.0\.1:\d+.* took the connection but gave no (PostgreSQL|Redis) answer within 0\.4 s/,
      );
      expect(error?.message).not.toContain('s3cret-pass');
    } finally {
      await proxy.close();
      await db.drop();
    }
  });

  it.each([
    ['a PostgreSQL URL', (port: number) => `postgres://postgres@127.0.0.1:${port}/test`],
    ['a Redis URL', (port: number) => `redis://127.0.0.1:${port}/0`],
  ])(
    '%s pointing at a service that never answers: the opening stops within the deadline, naming DATABASE_URL',
    async (_name, url) => {
      const silent = await silentListener();
      try {
        const started = performance.now();
        const error = await failure(openStore(url(silent.port), { deadlineMs: DEADLINE_MS }));
        expect(performance.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
        expect(silent.accepted()).toBeGreaterThan(0);
        expect(error?.name).toBe('StoreOpenError');
        expect(error?.message).toMatch(
          /^DATABASE_URL: \w+:\/\/.*127\.0\.0\.1:\d+.* took the connection but gave no (PostgreSQL|Redis) answer within 0\.4 s/,
        );
      } finally {
        await silent.close();
      }
    },
  );
});

describe('a stall shorter than the deadline is ridden out, on every backend', () => {
  /** Longer than the old per-driver limits (SQLite 3 s, PostgreSQL 5 s), well inside the deadline. */
  const STALL_MS = 5500;
  const release = (run: () => Promise<unknown>) =>
    new Promise<void>((resolve, reject) => setTimeout(() => run().then(() => resolve(), reject), STALL_MS));
  expect(STALL_MS).toBeLessThan(STORE_DEADLINE_MS - 2000);

  it.concurrent('SQLite: a write waits out another connection holding the file locked', async () => {
    const dir = tempDir();
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const guilds = new GuildRecords(store, sealer);
      const other = sqliteConnection(`${dir.path}/bot.sqlite`);
      await other.run('BEGIN EXCLUSIVE');
      const released = release(() => other.run('COMMIT'));
      await guilds.grantRole('1001', '2002', 'admin');
      await released;
      await other.close();
      expect((await guilds.settings('1001')).roles).toEqual(['2002']);
    } finally {
      await store.close();
      dir.remove();
    }
  }, 20_000);

  it.concurrent('PostgreSQL: a write waits out another transaction holding its row', async (ctx) => {
    const db = await postgresDatabase();
    if (!db) return ctx.skip();
    const store = await openStore(db.url);
    const other = new pg.Client({ connectionString: db.url });
    try {
      const guilds = new GuildRecords(store, sealer);
      await guilds.grantRole('1001', '2002', 'admin');
      await other.connect();
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM keyv WHERE key = $1 FOR UPDATE', [`sdbot:${settingsKey('1001')}`]);
      const released = release(() => other.query('COMMIT'));
      await guilds.grantRole('1001', '3003', 'admin');
      await released;
      expect((await guilds.settings('1001')).roles).toEqual(['2002', '3003']);
    } finally {
      await other.end().catch(() => undefined);
      await store.close();
      await db.drop();
    }
  }, 20_000);

  it('SQLite: a lock held past the deadline fails as "nothing written", before the deadline', async () => {
    const dir = tempDir();
    const store = await openStoreForStallTest(`sqlite://${dir.path}/bot.sqlite`, DEADLINE_MS);
    const other = sqliteConnection(`${dir.path}/bot.sqlite`);
    try {
      const guilds = new GuildRecords(store, sealer);
      await other.run('BEGIN EXCLUSIVE');
      const error = await failure(guilds.grantRole('1001', '2002', 'admin'));
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ written: 'none' });
      expect(error?.message).toMatch(/SQLITE_BUSY/);
    } finally {
      await other.run('COMMIT');
      await other.close();
      await store.close();
      dir.remove();
    }
  });
});

describe('STORE_TIMEOUT_MS', () => {
  const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gx7kQz.abcdefghijklmnopqrstuvwxyz0123456789';
  it('sets the deadline, 10 s unless set, and is refused out of range naming itself', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN }).storeTimeoutMs).toBe(STORE_DEADLINE_MS);
    expect(STORE_DEADLINE_MS).toBe(10_000);
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, STORE_TIMEOUT_MS: '30000' }).storeTimeoutMs).toBe(30_000);
    expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, STORE_TIMEOUT_MS: '500' })).toThrow(
      /STORE_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 120000/,
    );
  });
});
