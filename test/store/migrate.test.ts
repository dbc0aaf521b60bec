/**
 * migrateRecords, the core of npm run migrate-store, between real stores: a SQLite file to another
 * SQLite file, to a PostgreSQL database and to a Redis database (each its own; a server that cannot
 * be reached skips its half with a visible line), and back from each server to SQLite. Records go
 * as stored, byte for byte; a failure part way and a rerun lose nothing and copy nothing twice;
 * a record the target holds with another value is reported by key and never overwritten.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildRecords } from '../../src/core/guilds.js';
import { createSealer } from '../../src/core/seal.js';
import { type Store, openStore } from '../../src/store/index.js';
import { type MigrationCounts, migrateRecords, sameStore } from '../../src/store/migrate.js';
import { type TestDatabase, postgresDatabase, redisDatabase } from '../support/servers.js';
import { tempDir } from '../support/temp.js';

const sqliteDatabase = async (): Promise<TestDatabase> => {
  const dir = tempDir();
  return { url: `sqlite://${dir.path}/bot.sqlite`, drop: async () => dir.remove() };
};

const kinds: Array<{ name: string; create: () => Promise<TestDatabase | undefined> }> = [
  { name: 'SQLite', create: sqliteDatabase },
  { name: 'PostgreSQL', create: postgresDatabase },
  { name: 'Redis', create: redisDatabase },
];

/** Every record of a store as stored, by key. */
async function rawRecords(store: Store): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  for await (const [key, raw] of store.scanRaw('')) records.set(key, raw);
  return records;
}

const key = randomBytes(32);
const sealer = createSealer(key);

/** A store as the bot leaves it: sealed keys, roles, audit lines, clear records, and one damaged record. */
async function fill(store: Store, guilds: number): Promise<Record<string, string>> {
  const apiKeys: Record<string, string> = {};
  const records = new GuildRecords(store, sealer);
  for (let i = 0; i < guilds; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, guilds - i) }, async (_, j) => {
        const id = `${7_100_000_000_000_000 + i + j}`;
        apiKeys[id] = `moved-key-${i + j}-${randomBytes(6).toString('hex')}`;
        await records.setKey(id, apiKeys[id], 'u1');
        if ((i + j) % 3 === 0) await records.grantRole(id, `${i + j}`, 'u2');
      }),
    );
  }
  await store.write(
    'clear:7100000000000000000',
    { token: 't', startedAt: 1, holdUntil: 2, cooldownUntil: 3 },
    undefined,
  );
  // Not JSON: moved as it is, for the bot at the target to report just as it does here.
  expect(await store.insertRaw('guild:7199999999999999999', '{"value":{"roles":[')).toBe('written');
  return apiKeys;
}

/** The `failAt`th write fails (as on a dropped connection); the others go through. */
function failingFrom(store: Store, failAt: number): Pick<Store, 'insertRaw'> {
  let calls = 0;
  return {
    insertRaw: async (k, raw) => {
      if (++calls === failAt) throw new Error('connection lost');
      return store.insertRaw(k, raw);
    },
  };
}

describe.each(kinds)('migrateRecords from SQLite to $name', ({ create }) => {
  const databases: TestDatabase[] = [];
  const stores: Store[] = [];
  let source: Store;
  let target: TestDatabase | undefined;
  let apiKeys: Record<string, string>;
  const open = async (url: string) => {
    const store = await openStore(url);
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    const from = await sqliteDatabase();
    databases.push(from);
    source = await open(from.url);
    apiKeys = await fill(source, 450);
    target = await create();
    if (target) databases.push(target);
  });
  afterAll(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    for (const db of databases.splice(0)) await db.drop();
  });

  it('stops when a write fails part way; a rerun copies the rest and counts what was there; a third copies nothing', async (ctx) => {
    if (!target) return ctx.skip();
    const to = await open(target.url);
    const expected = await rawRecords(source);
    expect(expected.size).toBe(452);

    // The 250th write fails: the batches before it landed, and the rest of its batch settled.
    const progress: MigrationCounts[] = [];
    await expect(migrateRecords(source, failingFrom(to, 250), (c) => progress.push(c))).rejects.toThrow(
      'connection lost',
    );
    expect(progress.map((c) => c.seen)).toEqual([100, 200]);
    const landed = (await rawRecords(to)).size;
    expect(landed).toBe(299);

    const rerun: MigrationCounts[] = [];
    const second = await migrateRecords(source, to, (c) => rerun.push(c));
    expect(second).toEqual({ seen: 452, copied: 452 - landed, alreadyThere: landed, conflicting: 0, conflicts: [] });
    expect(rerun.map((c) => c.seen)).toEqual([100, 200, 300, 400, 452]);
    expect(rerun.at(-1)).toEqual({ seen: 452, copied: 452 - landed, alreadyThere: landed, conflicting: 0 });

    // Byte for byte, keys and values, damaged record and clear record included.
    expect(await rawRecords(to)).toEqual(expected);
    const third = await migrateRecords(source, to);
    expect(third).toMatchObject({ seen: 452, copied: 0, alreadyThere: 452, conflicting: 0 });
    expect(await rawRecords(to)).toEqual(expected);
  });

  it('the moved keys open with the same key at the target, never having been opened on the way', async (ctx) => {
    if (!target) return ctx.skip();
    const guilds = new GuildRecords(await open(target.url), sealer);
    const ids = Object.keys(apiKeys);
    const opened = await Promise.all(ids.map(async (id) => guilds.openKey(id, await guilds.settings(id))));
    expect(opened.map((o) => (o.kind === 'ok' ? o.key : o.kind))).toEqual(ids.map((id) => apiKeys[id]));
    expect((await guilds.settings(ids[3]!)).roles).toEqual(['3']);
    await expect(guilds.settings('7199999999999999999')).rejects.toThrow('damaged');
  });

  it('a record the target holds with another value is reported by key and left as it is; the rest is copied', async (ctx) => {
    if (!target) return ctx.skip();
    const other = await create();
    if (!other) return ctx.skip();
    databases.push(other);
    const to = await open(other.url);
    const clashing = `guild:${Object.keys(apiKeys)[10]!}`;
    const theirs = '{"value":{"roles":["theirs"],"audit":[]},"expires":null}';
    expect(await to.insertRaw(clashing, theirs)).toBe('written');
    expect(await to.insertRaw('guild:1', '{"value":{"roles":[],"audit":[]}}')).toBe('written');

    const report = await migrateRecords(source, to);
    expect(report).toEqual({ seen: 452, copied: 451, alreadyThere: 0, conflicting: 1, conflicts: [clashing] });
    const after = await rawRecords(to);
    expect(after.get(clashing)).toBe(theirs);
    expect(after.get('guild:1')).toBe('{"value":{"roles":[],"audit":[]}}');
    const expected = await rawRecords(source);
    expected.delete(clashing);
    after.delete(clashing);
    after.delete('guild:1');
    expect(after).toEqual(expected);

    // Again: the same conflict, nothing else to do, still not overwritten.
    expect(await migrateRecords(source, to)).toEqual({
      seen: 452,
      copied: 0,
      alreadyThere: 451,
      conflicting: 1,
      conflicts: [clashing],
    });
    expect((await rawRecords(to)).get(clashing)).toBe(theirs);
  });
});

describe.each(kinds.slice(1))('migrateRecords from $name back to SQLite', ({ create }) => {
  let from: TestDatabase | undefined;
  const stores: Store[] = [];
  const dir = tempDir();
  beforeAll(async () => {
    from = await create();
  });
  afterAll(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    await from?.drop();
    dir.remove();
  });

  it('walks the server store whole (past its pages) and lands it byte for byte', async (ctx) => {
    if (!from) return ctx.skip();
    const source = await openStore(from.url);
    stores.push(source);
    await fill(source, 1200);
    const to = await openStore(`sqlite://${dir.path}/back.sqlite`);
    stores.push(to);
    const report = await migrateRecords(source, to);
    expect(report).toMatchObject({ seen: 1202, copied: 1202, alreadyThere: 0, conflicting: 0 });
    expect(await rawRecords(to)).toEqual(await rawRecords(source));
  });
});

describe('migrateRecords, whatever the backend', () => {
  it('copies and counts a key that a walk returns twice (as a Redis SCAN may) once', async () => {
    const dir = tempDir();
    const to = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const walk = {
        async *scanRaw() {
          yield ['guild:1', '{"value":1}'] as [string, string];
          yield ['guild:2', '{"value":2}'] as [string, string];
          yield ['guild:1', '{"value":1}'] as [string, string];
        },
      };
      expect(await migrateRecords(walk, to)).toEqual({
        seen: 2,
        copied: 2,
        alreadyThere: 0,
        conflicting: 0,
        conflicts: [],
      });
      expect(await rawRecords(to)).toEqual(
        new Map([
          ['guild:1', '{"value":1}'],
          ['guild:2', '{"value":2}'],
        ]),
      );
    } finally {
      await to.close();
      dir.remove();
    }
  });
});

describe('sameStore', () => {
  it.each([
    ['sqlite://data/bot.sqlite', `sqlite://${process.cwd()}/data/bot.sqlite`, true],
    ['sqlite://data/bot.sqlite', 'sqlite://data/other.sqlite', false],
    ['postgres://u:one@127.0.0.1/bot', 'postgresql://u:two@localhost:5432/bot', true],
    ['postgres://u@db.example:5432/bot', 'postgres://u@db.example:5433/bot', false],
    ['postgres://u@db.example/bot', 'postgres://u@db.example/bot2', false],
    ['postgres://bot@db.example', 'postgres://bot@db.example/bot', true],
    ['redis://127.0.0.1:6379', 'redis://:pw@localhost/0', true],
    ['redis://127.0.0.1:6379/1', 'redis://127.0.0.1:6379/2', false],
    ['redis://127.0.0.1:6379/0', 'postgres://127.0.0.1:6379/0', false],
    ['sqlite://data/bot.sqlite', 'redis://127.0.0.1:6379/0', false],
  ])('%s and %s: %s', (a, b, same) => {
    expect(sameStore(a, b)).toBe(same);
    expect(sameStore(b, a)).toBe(same);
  });
});
