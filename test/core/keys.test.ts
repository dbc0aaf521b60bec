/** KeyService against the loopback API stand-in and a real SQLite store: what a form submit or an option reaches. */
import { describe, expect, it } from 'vitest';
import { type CommandWorld, START, useCommandWorld } from '../support/command-context.js';
import { GUILD_ID, USER_ID } from '../support/input.js';
import type { SdApiStandIn } from '../support/sdapi-standin.js';

const KEY = 'sk-live-0123456789abcdef';
const OLD_KEY = 'old-key-9876543210-wxyz';

let sd: SdApiStandIn;
let world: CommandWorld;
useCommandWorld({ cooldownS: 30 }, (s, w) => {
  sd = s;
  world = w;
});

const keys = () => world.keys;

describe('checkAndSetKey', () => {
  it('a key the API accepts is stored, with the balance it reported', async () => {
    sd.setBalance(7.25, 'usd');
    const set = await keys().checkAndSetKey(GUILD_ID, USER_ID, KEY, await world.settings());
    expect(set).toEqual({ kind: 'checked', balance: { amount: 7.25, currency: 'USD' } });
    expect(world.guilds.openKey(GUILD_ID, await world.settings())).toMatchObject({
      kind: 'ok',
      key: KEY,
      setBy: USER_ID,
    });
  });

  it('a key the API refuses is not stored: the record is as it was', async () => {
    await world.guilds.setKey(GUILD_ID, OLD_KEY, USER_ID);
    const before = await world.settings();
    sd.setMode('invalid-key-200');
    expect(await keys().checkAndSetKey(GUILD_ID, USER_ID, KEY, before)).toEqual({
      kind: 'refused',
      message: 'Invalid Api Key',
    });
    expect(await world.settings()).toEqual(before);
  });

  it('a key the API cannot judge is stored, with why', async () => {
    sd.setMode('html-503');
    const set = await keys().checkAndSetKey(GUILD_ID, USER_ID, KEY, await world.settings());
    expect(set).toEqual({ kind: 'unchecked', why: { kind: 'http-error', status: 503, answer: 'html' } });
    expect(world.guilds.openKey(GUILD_ID, await world.settings())).toMatchObject({ kind: 'ok', key: KEY });
  });
});

describe('the API rate limit', () => {
  it('a rate-limited check is remembered until its retry-after: no call meanwhile', async () => {
    sd.setMode('rate-limited', { times: 1 });
    const from = sd.requests.length;
    const first = await keys().checkAndSetKey(GUILD_ID, USER_ID, KEY, await world.settings());
    expect(first).toMatchObject({
      kind: 'unchecked',
      why: { kind: 'rate-limited', retryAfterS: 30, until: START + 30_000 },
    });
    expect(keys().waitingUntil(GUILD_ID, await world.settings())).toBe(START + 30_000);
    expect(await keys().balance(GUILD_ID, KEY, await world.settings())).toEqual({
      kind: 'unknown',
      why: { kind: 'waiting', until: START + 30_000 },
    });
    expect(sd.requests.length - from).toBe(1);

    world.clock.now = START + 30_000;
    expect(keys().waitingUntil(GUILD_ID, await world.settings())).toBeUndefined();
    expect(await keys().balance(GUILD_ID, KEY, await world.settings())).toEqual({
      kind: 'ok',
      balance: { amount: 43.6, currency: 'USD' },
    });
  });

  it("a rate-limited clear's retry-after holds for checks too, even after a new key ended the cooldown", async () => {
    await world.guilds.setKey(GUILD_ID, OLD_KEY, USER_ID);
    sd.setMode('rate-limited', { times: 1 });
    await world.clears.clear(GUILD_ID, USER_ID, await world.settings());
    await world.guilds.setKey(GUILD_ID, KEY, USER_ID);
    expect(keys().waitingUntil(GUILD_ID, await world.settings())).toBe(START + 30_000);
    expect(keys().waitingUntil('100000000000000009', await world.settings('100000000000000009'))).toBeUndefined();
  });
});
