import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuildStore } from '../../src/core/guilds.js';
import { resealKeys } from '../../src/core/rotation.js';
import { createSealer } from '../../src/core/seal.js';
import { type Store, openStore } from '../../src/store/index.js';
import { tempDir } from '../support/temp.js';

describe('resealKeys', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: Store;
  const oldSealer = createSealer(randomBytes(32));
  const newSealer = createSealer(randomBytes(32));
  const keys = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`${1000 + i}`, `key-number-${i}-abcdef`]));

  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    const guilds = new GuildStore(store, oldSealer);
    for (const [guildId, key] of Object.entries(keys)) await guilds.setKey(guildId, key, 'u');
    await guilds.grantRole('1000', 'r1', 'u');
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  async function opensUnder(sealer: ReturnType<typeof createSealer>) {
    const guilds = new GuildStore(store, sealer);
    const result: Record<string, string> = {};
    for (const guildId of Object.keys(keys)) {
      const opened = guilds.openKey(guildId, await guilds.settings(guildId));
      if (opened.kind === 'ok') result[guildId] = opened.key;
    }
    return result;
  }

  it('re-seals every key under the new key and keeps the rest of each record', async () => {
    expect(await resealKeys(store, oldSealer, newSealer)).toEqual({ resealed: 12, alreadyNew: 0, unreadable: [] });
    expect(await opensUnder(newSealer)).toEqual(keys);
    expect(await opensUnder(oldSealer)).toEqual({});
    expect((await new GuildStore(store, newSealer).settings('1000')).roles).toEqual(['r1']);
    expect(await resealKeys(store, oldSealer, newSealer)).toEqual({ resealed: 0, alreadyNew: 12, unreadable: [] });
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

    expect(await resealKeys(store, oldSealer, newSealer)).toEqual({ resealed: 7, alreadyNew: 5, unreadable: [] });
    expect(await opensUnder(newSealer)).toEqual(keys);
  });

  it('leaves a key neither sealer opens untouched and reports it', async () => {
    const stranger = createSealer(randomBytes(32));
    await new GuildStore(store, stranger).setKey('1001', 'stranger-key-123456', 'u');
    const before = (await new GuildStore(store, stranger).settings('1001')).apiKey?.sealed;
    const report = await resealKeys(store, oldSealer, newSealer);
    expect(report).toEqual({ resealed: 11, alreadyNew: 0, unreadable: ['1001'] });
    expect((await new GuildStore(store, stranger).settings('1001')).apiKey?.sealed).toBe(before);
  });
});
