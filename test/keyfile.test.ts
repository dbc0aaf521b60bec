import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { GuildStore } from '../src/core/guilds.js';
import { createSealer } from '../src/core/seal.js';
import { assertKeyOpensStore, keyFileFor, resolveEncryptionKey } from '../src/keyfile.js';
import { openStore } from '../src/store/index.js';
import { sqliteConnection } from './support/sqlite.js';
import { tempDir } from './support/temp.js';

describe('the sealing key', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('uses ENCRYPTION_KEY when given, writing no file', () => {
    const key = randomBytes(32);
    expect(resolveEncryptionKey(key, `${dir.path}/bot.sqlite`)).toEqual({ key, file: undefined, created: false });
  });

  it('is generated once into a 0600 file beside the database, then reused', () => {
    const first = resolveEncryptionKey(undefined, `${dir.path}/bot.sqlite`);
    expect(first.created).toBe(true);
    expect(first.file).toBe(keyFileFor(`${dir.path}/bot.sqlite`));
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    const second = resolveEncryptionKey(undefined, `${dir.path}/bot.sqlite`);
    expect(second).toEqual({ key: first.key, file: first.file, created: false });
  });

  it('refuses a damaged key file, naming it, without replacing it', () => {
    const file = keyFileFor(`${dir.path}/bot.sqlite`);
    writeFileSync(file, 'not a key\n');
    expect(() => resolveEncryptionKey(undefined, `${dir.path}/bot.sqlite`)).toThrow(/ENCRYPTION_KEY \(from the key file .*encryption\.key\) must be 32 bytes/);
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });

  it('stops the start when the store holds keys sealed under another key', async () => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const sealer = createSealer(randomBytes(32));
      await new GuildStore(store, sealer).setKey('1', 'some-key-123456', 'u');
      expect(await assertKeyOpensStore(store, sealer, 'db')).toEqual({ total: 1, foreign: 0, damaged: [] });
      const wrong = assertKeyOpensStore(store, createSealer(randomBytes(32)), 'db');
      await expect(wrong).rejects.toBeInstanceOf(ConfigError);
      await expect(wrong).rejects.toThrow(/ENCRYPTION_KEY does not open 1 of the 1 API keys/);
    } finally {
      await store.close();
    }
  });

  it('reports damaged records by server instead of stopping the start or blaming the key', async () => {
    const file = `${dir.path}/bot.sqlite`;
    const store = await openStore(`sqlite://${file}`);
    const sealer = createSealer(randomBytes(32));
    try {
      const guilds = new GuildStore(store, sealer);
      for (const id of ['1', '2', '3']) await guilds.setKey(id, `healthy-key-${id}-abcdef`, 'u');
    } finally {
      await store.close();
    }
    const other = sqliteConnection(file);
    await other.run(`UPDATE keyv SET value = '{"value":{"roles":[' WHERE key = 'sdbot:guild:2'`);
    await other.run(`UPDATE keyv SET value = '{"value":{"apiKey":{"sealed":"garbage","setBy":"u","setAt":1},"roles":[],"audit":[]}}' WHERE key = 'sdbot:guild:3'`);
    await other.close();

    const reopened = await openStore(`sqlite://${file}`);
    try {
      const census = await assertKeyOpensStore(reopened, sealer, 'db');
      expect(census).toEqual({ total: 1, foreign: 0, damaged: [{ guildId: '2', reason: 'not JSON' }, { guildId: '3', reason: 'the sealed key is malformed' }] });
    } finally {
      await reopened.close();
    }
  });
});
