import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ClearAttempt, ClearService } from '../../src/core/clearing.js';
import { GuildRecords, recentEvents } from '../../src/core/guilds.js';
import { StoreError, StoreTimeoutError } from '../../src/core/errors.js';
import { createSdApi } from '../../src/core/sdapi.js';
import { createSealer } from '../../src/core/seal.js';
import { type Store, openStore } from '../../src/store/index.js';
import { type SdApiStandIn, startSdApiStandIn } from '../support/sdapi-standin.js';
import { tempDir } from '../support/temp.js';
import { settlesWithin } from '../support/wait.js';

describe('ClearService', () => {
  let sd: SdApiStandIn;
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  let guilds: GuildRecords;
  let now: number;
  const service = (cooldownS = 30) =>
    new ClearService({
      api: createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 2000, backoffMs: 5 }),
      guilds,
      cooldownS,
      apiTimeoutMs: 2000,
      storeDeadlineMs: store.deadlineMs,
      now: () => now,
    });
  const clear = async (svc: ClearService, guildId = '1') => svc.clear(guildId, 'u1', await guilds.settings(guildId));

  beforeAll(async () => {
    sd = await startSdApiStandIn();
  });
  afterAll(() => sd.close());
  beforeEach(async () => {
    now = 1_000_000;
    sd.setMode('success');
    sd.setLatency(0);
    dir = tempDir();
    store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    guilds = new GuildRecords(store, createSealer(randomBytes(32)), undefined, () => now);
    await guilds.setKey('1', 'key-of-guild-one', 'admin');
    await guilds.setKey('2', 'key-of-guild-two', 'admin');
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('a clear costs two writes to the store beyond the settings it was given: taking the guild, and its outcome', async () => {
    const svc = service(30);
    const settings = await guilds.settings('1');
    const counts = { read: 0, write: 0 };
    const [read, write] = [store.read.bind(store), store.write.bind(store)];
    store.read = (key) => {
      counts.read++;
      return read(key);
    };
    store.write = (key, value, version) => {
      counts.write++;
      return write(key, value, version);
    };
    try {
      expect(await svc.clear('1', 'u1', settings)).toMatchObject({ kind: 'done', recorded: true });
    } finally {
      store.read = read;
      store.write = write;
    }
    expect(counts).toEqual({ read: 0, write: 2 });
  });

  it('sends nothing without a key', async () => {
    const before = sd.requests.length;
    expect(await clear(service(), '3')).toEqual({ kind: 'no-key' });
    expect(sd.requests.length).toBe(before);
  });

  it("uses each guild's own key and records the clear", async () => {
    const svc = service();
    const before = sd.requests.length;
    await clear(svc, '1');
    await clear(svc, '2');
    expect(sd.requests.slice(before).map((r) => r.json)).toEqual([
      { key: 'key-of-guild-one' },
      { key: 'key-of-guild-two' },
    ]);
    expect((await guilds.settings('1')).lastClear).toMatchObject({ by: 'u1', outcome: 'ok' });
    expect(recentEvents(await guilds.settings('1'))[0]).toMatchObject({ action: 'clear', userId: 'u1', detail: 'ok' });
  });

  it('shares one request between clears of the same guild in flight', async () => {
    sd.setLatency(150);
    const svc = service(0);
    const before = sd.requests.length;
    const settings = await guilds.settings('1');
    const [a, b, c] = await Promise.all([
      svc.clear('1', 'u1', settings),
      svc.clear('1', 'u2', settings),
      svc.clear('1', 'u3', settings),
    ]);
    expect(sd.requests.length - before).toBe(1);
    expect(a).toMatchObject({ kind: 'done', shared: false, result: { outcome: { kind: 'ok' } } });
    expect(b).toMatchObject({ kind: 'done', shared: true, result: { outcome: { kind: 'ok' } } });
    expect(c).toMatchObject({ kind: 'done', shared: true });
  });

  it('arms a per-guild cooldown when a request is sent; a new key resets it; 0 turns it off', async () => {
    const svc = service(30);
    expect(svc.cooldownUntil(await guilds.settings('1'))).toBeUndefined();
    await clear(svc);
    expect(svc.cooldownUntil(await guilds.settings('1'))).toBe(now + 30_000);
    expect(svc.cooldownUntil(await guilds.settings('2'))).toBeUndefined();
    now += 30_000;
    expect(svc.cooldownUntil(await guilds.settings('1'))).toBeUndefined();
    await clear(svc);
    await guilds.setKey('1', 'another-key-of-guild-1', 'admin');
    expect(svc.cooldownUntil(await guilds.settings('1'))).toBeUndefined();

    const off = service(0);
    await clear(off);
    expect(off.cooldownUntil(await guilds.settings('1'))).toBeUndefined();
  });

  it('a new key stored while a clear is still running ends the cooldown that clear would arm', async () => {
    const svc = service(30);
    const before = sd.requests.length;
    // The API answers only after the new key is stored: the clear is surely running meanwhile.
    const gate = sd.hold();
    try {
      const running = clear(svc);
      await sd.waitForRequests(before + 1);
      await guilds.setKey('1', 'another-key-of-guild-1', 'admin');
      gate.release();
      expect(await running).toMatchObject({ kind: 'done', shared: false });
    } finally {
      gate.release();
    }
    expect(svc.cooldownUntil(await guilds.settings('1'))).toBeUndefined();
  });

  it('no-key clears arm no cooldown', async () => {
    const svc = service(30);
    await clear(svc, '3');
    expect(svc.cooldownUntil(await guilds.settings('3'))).toBeUndefined();
  });

  it('a rate limit with retry_after extends the cooldown to it', async () => {
    sd.setMode('rate-limited');
    const svc = service(10);
    await clear(svc);
    expect(svc.cooldownUntil(await guilds.settings('1'))).toBe(now + 30_000);
  });

  it('refuses a key it cannot open, sending nothing', async () => {
    const other = new GuildRecords(store, createSealer(randomBytes(32)));
    const before = sd.requests.length;
    const result = await new ClearService({
      api: createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 500 }),
      guilds: other,
      cooldownS: 0,
      apiTimeoutMs: 500,
      storeDeadlineMs: store.deadlineMs,
    }).clear('1', 'u', await other.settings('1'));
    expect(result).toEqual({ kind: 'unreadable-key', reason: 'other-key' });
    expect(sd.requests.length).toBe(before);
  });

  /** A service whose store deadline is short, so that retries pause little. */
  const STORE_DEADLINE_MS = 200;
  const quick = (errors: unknown[] = []) =>
    new ClearService({
      api: createSdApi({ baseUrl: sd.baseUrl, timeoutMs: 2000 }),
      guilds,
      cooldownS: 30,
      apiTimeoutMs: 2000,
      storeDeadlineMs: STORE_DEADLINE_MS,
      now: () => now,
      onRecordError: (e) => errors.push(e),
    });
  /** Makes guilds.modify run `instead` for the calls numbered in `calls` (1: the take, 2 on: the record). */
  const interfere = (calls: number[], instead: (real: () => Promise<unknown>) => Promise<unknown>) => {
    const realModify = guilds.modify.bind(guilds);
    let count = 0;
    guilds.modify = (async (...args: Parameters<typeof realModify>) => {
      const real = () => realModify(...args);
      return calls.includes(++count) ? instead(real) : real();
    }) as typeof guilds.modify;
    return () => {
      guilds.modify = realModify;
    };
  };
  const full = () => Promise.reject(new StoreError('write', new Error('SQLITE_FULL')));

  it('a record write that fails is tried again within the hold: the outcome lands, the hold ends and the cooldown holds', async () => {
    const errors: unknown[] = [];
    const restore = interfere([2, 3], full);
    const before = sd.requests.length;
    try {
      expect(await quick(errors).clear('1', 'u', await guilds.settings('1'))).toMatchObject({
        kind: 'done',
        recorded: true,
        result: { outcome: { kind: 'ok' } },
      });
    } finally {
      restore();
    }
    expect(errors).toEqual([]);
    const { clear: state, audit } = await guilds.settings('1');
    expect(state).toMatchObject({ done: { recorded: true }, cooldownUntil: now + 30_000 });
    // The hold covered the take's write, the call and the record's write.
    expect(state!.holdUntil - state!.startedAt).toBeGreaterThanOrEqual(2000 + 2 * STORE_DEADLINE_MS);
    expect(audit.filter((e) => e.action === 'clear')).toHaveLength(1);
    expect(await quick().clear('1', 'u', await guilds.settings('1'))).toEqual({
      kind: 'cooldown',
      until: now + 30_000,
    });
    expect(sd.requests.length - before).toBe(1);
  });

  it('a record write whose answer was lost but which landed is not written twice', async () => {
    const lost = new StoreError('write', new StoreTimeoutError('write', STORE_DEADLINE_MS));
    const restore = interfere([2], (real) => real().then(() => Promise.reject(lost)));
    try {
      expect(await quick().clear('1', 'u', await guilds.settings('1'))).toMatchObject({ kind: 'done', recorded: true });
    } finally {
      restore();
    }
    expect((await guilds.settings('1')).audit.filter((e) => e.action === 'clear')).toHaveLength(1);
  });

  it('a clear that cannot be recorded at all still answers; this process then keeps the cooldown the API implies', async () => {
    sd.setMode('rate-limited');
    const errors: unknown[] = [];
    const svc = quick(errors);
    const startedAt = now;
    const restore = interfere([2, 3, 4, 5, 6, 7, 8], full);
    const before = sd.requests.length;
    try {
      expect(await svc.clear('1', 'u', await guilds.settings('1'))).toMatchObject({
        kind: 'done',
        recorded: false,
        result: { outcome: { kind: 'rate-limited' } },
      });
    } finally {
      restore();
    }
    expect(errors).toHaveLength(1);
    // The hold the store still shows has lapsed; the API's 30 s have not: no second call from here.
    now += 10_000;
    sd.setMode('success');
    expect(await svc.clear('1', 'u', await guilds.settings('1'))).toEqual({
      kind: 'cooldown',
      until: startedAt + 30_000,
    });
    expect(sd.requests.length - before).toBe(1);
    // A new key ends it, as it ends a recorded cooldown.
    await guilds.setKey('1', 'a-new-key-of-guild-one', 'admin');
    expect(await svc.clear('1', 'u', await guilds.settings('1'))).toMatchObject({ kind: 'done', recorded: true });
  });

  it('a take answered so late that the hold would lapse during the call: no call, the hold given back', async () => {
    // The store answers the take, but only after most of the hold has gone (a slow link).
    const restore = interfere([1], (real) =>
      real().then((taken) => {
        now += STORE_DEADLINE_MS + 2500;
        return taken;
      }),
    );
    const before = sd.requests.length;
    try {
      const failed = await quick()
        .clear('1', 'u', await guilds.settings('1'))
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(failed).toBeInstanceOf(StoreError);
      expect((failed as StoreError).written).toBe('none');
    } finally {
      restore();
    }
    expect(sd.requests.length - before).toBe(0);
    expect((await guilds.settings('1')).clear).toMatchObject({ holdUntil: 0 });
    expect(await quick().clear('1', 'u', await guilds.settings('1'))).toMatchObject({ kind: 'done', recorded: true });
    expect(sd.requests.length - before).toBe(1);
  });
});

describe('ClearService across processes (two connections to one SQLite file)', () => {
  let sd: SdApiStandIn;
  let dir: ReturnType<typeof tempDir>;
  const stores: Store[] = [];
  const sealer = createSealer(randomBytes(32));
  const node = async (cooldownS: number, apiTimeoutMs = 2000) => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    stores.push(store);
    const guilds = new GuildRecords(store, sealer);
    return {
      store,
      guilds,
      clears: new ClearService({
        api: createSdApi({ baseUrl: sd.baseUrl, timeoutMs: apiTimeoutMs }),
        guilds,
        cooldownS,
        apiTimeoutMs,
        storeDeadlineMs: store.deadlineMs,
        pollMs: 10,
      }),
    };
  };

  beforeAll(async () => {
    sd = await startSdApiStandIn();
  });
  afterAll(() => sd.close());
  beforeEach(() => {
    dir = tempDir();
    sd.setMode('success');
    sd.setLatency(0);
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    dir.remove();
  });

  it('one request for clears of one guild started at once in two processes; both get its outcome', async () => {
    const [a, b] = [await node(0), await node(0)];
    await a.guilds.setKey('1', 'shared-guild-key-1234', 'u');
    const before = sd.requests.length;
    const [first, second] = [await a.guilds.settings('1'), await b.guilds.settings('1')];
    // A clear that finds the guild taken by the other process reads it again until that one is done:
    // the API answers only once one of them does so, so neither can finish before the other has looked.
    let waiting!: () => void;
    const oneWaits = new Promise<void>((resolve) => (waiting = resolve));
    for (const { guilds } of [a, b]) {
      const read = guilds.settings.bind(guilds);
      guilds.settings = (guildId) => {
        waiting();
        return read(guildId);
      };
    }
    const gate = sd.hold();
    let one: ClearAttempt;
    let two: ClearAttempt;
    try {
      const both = Promise.all([a.clears.clear('1', 'u1', first), b.clears.clear('1', 'u2', second)]);
      await settlesWithin(oneWaits, 10_000, 'clear waiting on the other process');
      gate.release();
      [one, two] = await both;
    } finally {
      gate.release();
    }
    expect(sd.requests.length - before).toBe(1);
    expect([one, two].map((r) => r.kind)).toEqual(['done', 'done']);
    expect([one, two].filter((r) => r.kind === 'done' && r.shared)).toHaveLength(1);
    expect(recentEvents(await a.guilds.settings('1')).filter((e) => e.action === 'clear')).toHaveLength(1);
  });

  it('a cooldown armed in one process holds in the other, and a new key set in either ends it', async () => {
    const [a, b] = [await node(30), await node(30)];
    await a.guilds.setKey('1', 'cooldown-guild-key-99', 'u');
    await a.clears.clear('1', 'u', await a.guilds.settings('1'));
    const until = b.clears.cooldownUntil(await b.guilds.settings('1'));
    expect(until).toBeGreaterThan(Date.now() + 25_000);
    expect(await b.clears.clear('1', 'u', await b.guilds.settings('1'))).toEqual({ kind: 'cooldown', until });
    await b.guilds.setKey('1', 'cooldown-guild-key-100', 'u');
    expect(a.clears.cooldownUntil(await a.guilds.settings('1'))).toBeUndefined();
  });

  it('a holder that died mid-clear blocks the guild only until its deadline', async () => {
    const [a, b] = [await node(0, 300), await node(0, 300)];
    await a.guilds.setKey('1', 'orphaned-guild-key-77', 'u');
    // What a process killed after taking the guild leaves behind: a running clear that never finishes
    // (and the cooldown it would have armed, which a clear that never finished does not keep).
    const now = Date.now();
    await a.guilds.modify('1', undefined, (s) => [
      { ...s, clear: { token: 'dead', startedAt: now, holdUntil: now + 400, cooldownUntil: now + 60_000 } },
      undefined,
    ]);
    const before = sd.requests.length;
    const started = performance.now();
    const result = await b.clears.clear('1', 'u', await b.guilds.settings('1'));
    expect(result).toMatchObject({ kind: 'done', shared: false, result: { outcome: { kind: 'ok' } } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(sd.requests.length - before).toBe(1);
  });
});
