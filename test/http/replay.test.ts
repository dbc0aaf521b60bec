/**
 * The replay guard over each real store: an id is claimed once (also across guards sharing the
 * store, as two processes do), claims are swept once no request carrying them could pass the
 * signature's timestamp check, and a store that fails still leaves this process refusing a repeat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordStore } from '../../src/core/records.js';
import { REPLAY_PREFIX, type ReplayGuard, createReplayGuard } from '../../src/http/replay.js';
import { SecretSet, createLogger } from '../../src/logger.js';
import { type Store, openStore } from '../../src/store/index.js';
import { postgresDatabase, redisDatabase, type TestDatabase } from '../support/servers.js';
import { tempDir } from '../support/temp.js';

const warnings: string[] = [];
const log = createLogger({
  level: 'warn',
  format: 'json',
  secrets: new SecretSet(),
  destination: { write: (line: string) => void warnings.push(line) },
});
const guards: ReplayGuard[] = [];
afterEach(() => {
  for (const guard of guards.splice(0)) guard.stop();
});
const guardOver = (store: RecordStore, now: () => number) => {
  const guard = createReplayGuard({ store, log, now });
  guards.push(guard);
  return guard;
};
async function keys(store: Store, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const record of store.scan(prefix)) found.push(record.key);
  return found;
}

const sqlite = async (): Promise<TestDatabase> => {
  const dir = tempDir('sdbot-replay-');
  return { url: `sqlite://${dir.path}/bot.sqlite`, drop: async () => dir.remove() };
};

describe.each([
  ['SQLite', sqlite],
  ['PostgreSQL', postgresDatabase],
  ['Redis', redisDatabase],
] as const)('over %s', (_name, create) => {
  it('an id is claimed once, also by a second guard on the same store; claims are swept after their window, nothing else', async (ctx) => {
    const db = await create();
    if (!db) return ctx.skip();
    const stores: Store[] = [];
    try {
      const [one, two] = [await openStore(db.url), await openStore(db.url)] as [Store, Store];
      stores.push(one, two);
      let clock = Date.now();
      const now = () => clock;
      const [a, b] = [guardOver(one, now), guardOver(two, now)];
      const signedAt = Math.floor(clock / 1000);
      expect(await a.claim('1100000000000000001', signedAt)).toBe(true);
      expect(await a.claim('1100000000000000001', signedAt)).toBe(false);
      expect(await b.claim('1100000000000000001', signedAt)).toBe(false);
      expect(await b.claim('1100000000000000002', signedAt)).toBe(true);
      await one.write('guild:42', { untouched: true }, undefined);

      // Within the window nothing goes: a request signed now passes the check for 5 minutes either side.
      clock += 9 * 60_000;
      expect(await a.sweep()).toBe(0);
      clock += 3 * 60_000;
      expect(await a.sweep()).toBe(2);
      expect(await keys(one, REPLAY_PREFIX)).toEqual([]);
      expect(await keys(one, 'guild:')).toEqual(['guild:42']);
      expect(await b.sweep()).toBe(0);
    } finally {
      for (const store of stores) await store.close();
      await db.drop();
    }
  });
});

it('a store that fails leaves the id claimed in memory: the repeat is still refused, and the failure is logged', async () => {
  const failing: RecordStore = {
    read: () => Promise.reject(new Error('down')),
    write: () => Promise.reject(new Error('down')),
    scan: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('down')) }) }),
  };
  const guard = guardOver(failing, Date.now);
  const signedAt = Math.floor(Date.now() / 1000);
  expect(await guard.claim('1100000000000000003', signedAt)).toBe(true);
  expect(await guard.claim('1100000000000000003', signedAt)).toBe(false);
  expect(warnings.some((l) => /could not record interaction ids/.test(l))).toBe(true);
});

it('a store that does not answer holds an interaction up to 1 s, no longer; the repeat is still refused', async () => {
  const stalled: RecordStore = {
    read: () => new Promise(() => undefined),
    write: () => new Promise(() => undefined),
    scan: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => undefined) }) }),
  };
  const guard = guardOver(stalled, Date.now);
  const signedAt = Math.floor(Date.now() / 1000);
  const started = performance.now();
  expect(await guard.claim('1100000000000000004', signedAt)).toBe(true);
  expect(performance.now() - started).toBeLessThan(1500);
  expect(await guard.claim('1100000000000000004', signedAt)).toBe(false);
});
