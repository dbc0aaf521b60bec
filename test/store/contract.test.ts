/**
 * One contract, every backend: what the bot needs of its store, run against a real SQLite file,
 * a real PostgreSQL database and a real Redis database (each its own, cleaned up). Where a server
 * cannot be reached its half is skipped with a visible line (a failure under CI=true).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildRecords, guildRecords } from '../../src/core/guilds.js';
import { DamagedRecordError, StoreError } from '../../src/core/errors.js';
import { updateRecord } from '../../src/core/records.js';
import { createSealer } from '../../src/core/seal.js';
import { type Store, openStore } from '../../src/store/index.js';
import { type TestDatabase, postgresDatabase, postgresQuery, redisCommand, redisDatabase } from '../support/servers.js';
import { databaseBytes, tempDir } from '../support/temp.js';

interface Backend {
  name: 'sqlite' | 'postgres' | 'redis';
  /** A fresh database for one describe block; undefined when its server is not there. */
  create(): Promise<TestDatabase | undefined>;
  /** Every byte the backend holds for this database, for the no-plaintext check. */
  rawBytes(url: string, store: Store): Promise<string>;
  /** Puts a raw (undecodable) value under a record key, as damage or another program would. */
  corrupt(url: string, key: string, raw: string): Promise<void>;
  /** Cuts the store's connections from the server side; the store must recover by itself. */
  cut(url: string): Promise<void>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async create() {
      const dir = tempDir();
      return { url: `sqlite://${dir.path}/bot.sqlite`, drop: async () => dir.remove() };
    },
    rawBytes: (_url, store) => databaseBytes(store.file!),
    async corrupt(url, key, raw) {
      const { sqliteConnection } = await import('../support/sqlite.js');
      const db = sqliteConnection(url.replace('sqlite://', ''));
      await db.all(
        'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        `sdbot:${key}`,
        raw,
      );
      await db.close();
    },
    async cut() {
      // A file has no connection to cut.
    },
  },
  {
    name: 'postgres',
    create: postgresDatabase,
    async rawBytes(url) {
      return (await postgresQuery(url, 'SELECT key, value FROM keyv'))
        .map((r) => `${String(r.key)} ${String(r.value)}`)
        .join('\n');
    },
    async corrupt(url, key, raw) {
      await postgresQuery(
        url,
        'INSERT INTO keyv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [`sdbot:${key}`, raw],
      );
    },
    async cut(url) {
      const name = new URL(url).pathname.slice(1);
      await postgresQuery(
        url,
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
    },
  },
  {
    name: 'redis',
    create: redisDatabase,
    async rawBytes(url) {
      const keys = (await redisCommand(url, ['KEYS', '*'])) as string[];
      const values = await Promise.all(keys.map((k) => redisCommand(url, ['GET', k])));
      return keys.map((k, i) => `${k} ${String(values[i])}`).join('\n');
    },
    async corrupt(url, key, raw) {
      await redisCommand(url, ['SET', `sdbot::${key}`, raw]);
    },
    async cut(url) {
      // Only the connections on this test's database: other test files use the same server at the same time.
      const db = new URL(url).pathname.slice(1);
      const list = String(await redisCommand(url, ['CLIENT', 'LIST', 'TYPE', 'normal']));
      const ids = list
        .split('\n')
        .map((line) => Object.fromEntries(line.split(' ').map((field) => field.split('=', 2))))
        .filter((client) => client.db === db && client.cmd !== 'client|list')
        .map((client) => client.id as string);
      for (const id of ids) await redisCommand(url, ['CLIENT', 'KILL', 'ID', id]);
      expect(ids.length).toBeGreaterThan(0);
    },
  },
];

describe.each(backends)('the $name store', (backend) => {
  let db: TestDatabase | undefined;
  const opened: Store[] = [];
  const sealer = createSealer(randomBytes(32));
  const open = async () => {
    const store = await openStore(db!.url);
    opened.push(store);
    return store;
  };
  const KEY = `contract-${backend.name}-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    db = await backend.create();
  });
  afterAll(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    await db?.drop();
  });

  it('sets, opens and removes a key per server, and keeps servers apart', async (ctx) => {
    if (!db) return ctx.skip();
    const guilds = new GuildRecords(await open(), sealer);
    await guilds.setKey('1', KEY, 'u1');
    await guilds.setKey('2', `${KEY}-two`, 'u2');
    expect(guilds.openKey('1', await guilds.settings('1'))).toMatchObject({ kind: 'ok', key: KEY, setBy: 'u1' });
    expect(guilds.openKey('2', await guilds.settings('2'))).toMatchObject({ kind: 'ok', key: `${KEY}-two` });
    expect(await guilds.removeKey('2', 'u2')).toBe(true);
    expect(guilds.openKey('2', await guilds.settings('2'))).toEqual({ kind: 'none' });
    expect(guilds.openKey('1', await guilds.settings('1'))).toMatchObject({ kind: 'ok', key: KEY });
  });

  it("keeps every record across a restart (close, open again), in keyv's own format", async (ctx) => {
    if (!db) return ctx.skip();
    const first = await open();
    await new GuildRecords(first, sealer).grantRole('3', '33', 'u');
    await first.close();
    const again = await open();
    expect((await new GuildRecords(again, sealer).settings('3')).roles).toEqual(['33']);
    // The same record read through keyv itself, as any keyv user of this store would.
    expect(await again.keyv.get('guild:3')).toMatchObject({ roles: ['33'] });
    await again.keyv.set('guild:4', { roles: ['44'], audit: [] });
    expect((await new GuildRecords(again, sealer).settings('4')).roles).toEqual(['44']);
  });

  it('never holds the key in plaintext', async (ctx) => {
    if (!db) return ctx.skip();
    const store = await open();
    await new GuildRecords(store, sealer).setKey('5', KEY, 'u');
    const bytes = await backend.rawBytes(db.url, store);
    expect(bytes).toContain('guild:5');
    expect(bytes).not.toContain(KEY);
  });

  it('a conditional write lands only on the version it read; a stale one changes nothing', async (ctx) => {
    if (!db) return ctx.skip();
    const store = await open();
    const created = await store.write('cas:1', { n: 1 }, undefined);
    expect(created.ok).toBe(true);
    expect((await store.write('cas:1', { n: 99 }, undefined)).ok).toBe(false); // exists already
    const first = await store.read('cas:1');
    expect(created.ok && created.version).toBe(first.version); // a write says the version it made
    expect((await store.write('cas:1', { n: 2 }, first.version)).ok).toBe(true);
    expect((await store.write('cas:1', { n: 3 }, first.version)).ok).toBe(false); // stale
    expect((await store.read('cas:1')).value).toEqual({ n: 2 });
    const second = await store.read('cas:1');
    expect(await store.write('cas:1', undefined, second.version)).toEqual({ ok: true, version: undefined }); // delete
    expect(await store.read('cas:1')).toEqual({ value: undefined, version: undefined });
  });

  it('changes made at once by two processes all land, each with its audit line', async (ctx) => {
    if (!db) return ctx.skip();
    const [a, b] = [new GuildRecords(await open(), sealer), new GuildRecords(await open(), sealer)];
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).grantRole('6', `r${i}`, `u${i}`)));
    const settings = await a.settings('6');
    expect(settings.roles.toSorted()).toEqual(Array.from({ length: 30 }, (_, i) => `r${i}`).toSorted());
    expect(settings.audit.map((e) => e.detail).toSorted()).toEqual(settings.roles.toSorted());
    const counted = await updateRecord(
      await open(),
      'counter',
      (v) => (v as number | undefined) ?? 0,
      (n) => ({ next: n + 1, result: n + 1 }),
    );
    expect(counted.result).toBe(1);
  });

  it('walks every record by prefix across pages, and reports a damaged one instead of stopping', async (ctx) => {
    if (!db) return ctx.skip();
    const store = await open();
    const guilds = new GuildRecords(store, sealer);
    for (let i = 0; i < 620; i++) await store.write(`guild:${7000 + i}`, { roles: [`${i}`], audit: [] }, undefined);
    await guilds.grantRole('9', 'x', 'u');
    await backend.corrupt(db.url, 'guild:8000', '{"value":{"roles":[');
    const seen = new Map<string, string>();
    for await (const record of guildRecords(store))
      seen.set(record.guildId, 'damaged' in record ? `damaged: ${record.damaged}` : 'ok');
    expect([...seen.keys()].filter((id) => Number(id) >= 7000 && Number(id) < 7620)).toHaveLength(620);
    expect(seen.get('8000')).toBe('damaged: not JSON');
    expect(seen.get('9')).toBe('ok');
    await expect(guilds.settings('8000')).rejects.toBeInstanceOf(DamagedRecordError);
  });

  it('when its connections are cut, a read fails as a store error (never as "no key") or succeeds, and it recovers by itself', async (ctx) => {
    if (!db) return ctx.skip();
    const store = await open();
    const guilds = new GuildRecords(store, sealer);
    await guilds.setKey('10', KEY, 'u');
    await backend.cut(db.url);
    let result: unknown;
    try {
      result = guilds.openKey('10', await guilds.settings('10'));
    } catch (error) {
      result = error;
    }
    if (!(result instanceof StoreError)) expect(result).toMatchObject({ kind: 'ok', key: KEY });
    // Recovery is the client reconnecting on its own schedule: try again until a read succeeds (the
    // event), for as long as a loaded machine may need, each try itself bounded by the store.
    let recovered = false;
    let last: unknown;
    for (const giveUpAt = performance.now() + 15_000; !recovered && performance.now() < giveUpAt; ) {
      try {
        recovered = guilds.openKey('10', await guilds.settings('10')).kind === 'ok';
      } catch (error) {
        last = error;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(recovered, `still failing after 15 s: ${String(last)}`).toBe(true);
  });
});

describe('a store that cannot be reached at start', () => {
  it.each([
    ['postgres', 'postgres://sdbot:s3cret-pass@127.0.0.1:9/nowhere'],
    ['redis', 'redis://:s3cret-pass@127.0.0.1:9/0'],
  ])('%s: a plain error naming the URL without its password', async (_name, url) => {
    const error = await openStore(url).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('StoreOpenError');
    expect(error?.message).toContain('127.0.0.1:9');
    expect(error?.message).not.toContain('s3cret-pass');
  });
});
