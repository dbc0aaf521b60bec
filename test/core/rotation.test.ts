import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuildRecords, type GuildSettings, settingsKey } from '../../src/core/guilds.js';
import { checkKeys, largestOtherKeyGroup, resealKeys } from '../../src/core/rotation.js';
import { createSealer } from '../../src/core/seal.js';
import { type Store, openStore } from '../../src/store/index.js';
import { tempDir } from '../support/temp.js';

describe('key rotation', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const oldKey = randomBytes(32);
  const oldSealer = createSealer(oldKey);
  const newSealer = createSealer(randomBytes(32));
  const keys = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`${1000 + i}`, `key-number-${i}-abcdef`]));

  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    const guilds = new GuildRecords(store, oldSealer);
    for (const [guildId, key] of Object.entries(keys)) await guilds.setKey(guildId, key, 'u');
    await guilds.grantRole('1000', 'r1', 'u');
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  async function opensUnder(sealer: ReturnType<typeof createSealer>) {
    const guilds = new GuildRecords(store, sealer);
    const result: Record<string, string> = {};
    for (const guildId of Object.keys(keys)) {
      const opened = guilds.openKey(guildId, await guilds.settings(guildId));
      if (opened.kind === 'ok') result[guildId] = opened.key;
    }
    return result;
  }

  const sealedOf = async (guildId: string) =>
    (await store.keyv.get<GuildSettings>(settingsKey(guildId)))?.apiKey?.sealed;

  /** Three damaged records: not a sealed value, sealed under a stranger key, and one altered in place. */
  async function damage() {
    await store.keyv.set(settingsKey('2001'), {
      roles: [],
      audit: [],
      apiKey: { sealed: 'plaintext-key-123456', setBy: 'u', setAt: 1 },
    });
    const stranger = createSealer(randomBytes(32));
    await new GuildRecords(store, stranger).setKey('2002', 'stranger-key-123456', 'u');
    const altered = (await store.keyv.get<GuildSettings>(settingsKey('1003')))!;
    const body = altered.apiKey!.sealed.split('.');
    const alteredKid = body[1];
    body[4] = `${body[4]!.startsWith('A') ? 'B' : 'A'}${body[4]!.slice(1)}`;
    await store.keyv.set(settingsKey('1003'), { ...altered, apiKey: { ...altered.apiKey!, sealed: body.join('.') } });
    return {
      expected: [
        { guildId: '1003', reason: 'tampered', kid: alteredKid },
        { guildId: '2001', reason: 'malformed' },
        { guildId: '2002', reason: 'other-key', kid: stranger.kid },
      ],
    };
  }
  const byGuild = <T extends { guildId: string }>(list: T[]) =>
    list.toSorted((a, b) => a.guildId.localeCompare(b.guildId));

  it('re-seals every key under the new key and keeps the rest of each record', async () => {
    expect(await resealKeys(store, oldSealer, newSealer)).toEqual({ resealed: 12, alreadyNew: 0, damaged: [] });
    expect(await opensUnder(newSealer)).toEqual(keys);
    expect(await opensUnder(oldSealer)).toEqual({});
    expect((await new GuildRecords(store, newSealer).settings('1000')).roles).toEqual(['r1']);
    expect(await resealKeys(store, oldSealer, newSealer)).toEqual({ resealed: 0, alreadyNew: 12, damaged: [] });
  });

  it('checks every key by opening it, and writes nothing', async () => {
    await resealKeys(store, oldSealer, newSealer);
    await new GuildRecords(store, oldSealer).setKey('1000', 'back-under-old-123', 'u');
    const { expected } = await damage();
    const before = await Promise.all(Object.keys(keys).map(sealedOf));

    const check = await checkKeys(store, oldSealer, newSealer);
    expect({ ...check, damaged: byGuild(check.damaged) }).toEqual({
      total: 14,
      toReseal: 1,
      alreadyNew: 10,
      damaged: expected,
    });
    expect(await Promise.all(Object.keys(keys).map(sealedOf))).toEqual(before);
  });

  it('interrupted part way, leaves every key under the old or the new key; a rerun finishes', async () => {
    let writes = 0;
    const realWrite = store.write.bind(store);
    store.write = async (...args: Parameters<typeof realWrite>) => {
      if (++writes > 5) throw new Error('killed');
      return realWrite(...args);
    };
    await expect(resealKeys(store, oldSealer, newSealer)).rejects.toThrow('killed');
    store.write = realWrite;

    const underNew = await opensUnder(newSealer);
    const underOld = await opensUnder(oldSealer);
    expect(Object.keys(underNew)).toHaveLength(5);
    expect({ ...underOld, ...underNew }).toEqual(keys);

    expect(await checkKeys(store, oldSealer, newSealer)).toEqual({
      total: 12,
      toReseal: 7,
      alreadyNew: 5,
      damaged: [],
    });
    expect(await resealKeys(store, oldSealer, newSealer)).toEqual({ resealed: 7, alreadyNew: 5, damaged: [] });
    expect(await opensUnder(newSealer)).toEqual(keys);
  });

  it('reports each damaged key and leaves it exactly as it is, while every other key is re-sealed', async () => {
    const { expected } = await damage();
    const before = await Promise.all(['1003', '2001', '2002'].map(sealedOf));
    const report = await resealKeys(store, oldSealer, newSealer);
    expect({ ...report, damaged: byGuild(report.damaged) }).toEqual({ resealed: 11, alreadyNew: 0, damaged: expected });
    expect(await Promise.all(['1003', '2001', '2002'].map(sealedOf))).toEqual(before);
    const { 1003: _altered, ...rest } = keys;
    expect(await opensUnder(newSealer)).toEqual(rest);
  });

  it('takes a record whose key is not even text for damage, not a crash', async () => {
    await store.keyv.set(settingsKey('3001'), { roles: [], audit: [], apiKey: { sealed: 42, setBy: 'u', setAt: 1 } });
    await store.keyv.set(settingsKey('3002'), { roles: [], audit: [], apiKey: 'v1.not.an.object' });
    const check = await checkKeys(store, oldSealer, newSealer);
    expect(byGuild(check.damaged)).toEqual([
      { guildId: '3001', reason: 'malformed' },
      { guildId: '3002', reason: 'malformed' },
    ]);
    expect((await resealKeys(store, oldSealer, newSealer)).resealed).toBe(12);
  });

  it('refuses to rotate a key into itself', async () => {
    await expect(checkKeys(store, oldSealer, createSealer(oldKey))).rejects.toThrow('the new key is the current key');
    await expect(resealKeys(store, oldSealer, createSealer(oldKey))).rejects.toThrow('the new key is the current key');
    expect(await opensUnder(oldSealer)).toEqual(keys);
  });
});

describe('largestOtherKeyGroup', () => {
  it('counts damaged keys by the key id they name, leaving out the new key and unnamed ones', () => {
    expect(largestOtherKeyGroup([], 'N')).toBe(0);
    expect(
      largestOtherKeyGroup(
        [
          { guildId: '1', reason: 'other-key', kid: 'A' },
          { guildId: '2', reason: 'other-key', kid: 'A' },
          { guildId: '3', reason: 'tampered', kid: 'B' },
          { guildId: '4', reason: 'tampered', kid: 'N' },
          { guildId: '5', reason: 'tampered', kid: 'N' },
          { guildId: '6', reason: 'tampered', kid: 'N' },
          { guildId: '7', reason: 'malformed' },
          { guildId: '8', reason: 'malformed' },
          { guildId: '9', reason: 'malformed' },
        ],
        'N',
      ),
    ).toBe(2);
  });
});
