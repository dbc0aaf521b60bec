import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { GuildRecords } from '../src/core/guilds.js';
import { createSealer } from '../src/core/seal.js';
import { SEALING_MARK_KEY } from '../src/core/sealing-mark.js';
import {
  assertKeyOpensStore,
  keyAnchor,
  keyFileFor,
  pendingKeyFileFor,
  readPendingKey,
  removeKeyFile,
  resolveEncryptionKey,
  writeKeyFile,
} from '../src/keyfile.js';
import { openStore } from '../src/store/index.js';
import { startBotProcess } from './support/bot-process.js';
import { postgresDatabase, redisDatabase } from './support/servers.js';
import { tempDir } from './support/temp.js';
import { settlesWithin } from './support/wait.js';

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

  it('processes starting at the same moment on a new store (shards) all end up with one key, none failing', async () => {
    // Each child says it is ready, waits for the go file (made once all are ready, however slowly a
    // loaded machine started them), then resolves the key: without care one of them finds the file
    // made meanwhile (EEXIST) or still empty. Several rounds, since a race is a matter of luck.
    const entry = new URL('../dist/src/keyfile.js', import.meta.url).href;
    const script = `const { resolveEncryptionKey } = await import(${JSON.stringify(entry)});
      const { existsSync } = await import('node:fs');
      const [file, go] = process.argv.slice(1); const nap = new Int32Array(new SharedArrayBuffer(4));
      console.log('ready'); while (!existsSync(go)) Atomics.wait(nap, 0, 0, 1);
      const r = resolveEncryptionKey(undefined, file); console.log(r.key.toString('base64') + ' ' + r.created);`;
    for (let round = 0; round < 4; round += 1) {
      const database = `${dir.path}/round${round}/bot.sqlite`;
      mkdirSync(`${dir.path}/round${round}`);
      const go = `${dir.path}/go${round}`;
      const children = Array.from({ length: 6 }, () =>
        startBotProcess({}, dir.path, '--input-type=module', ['-e', script, database, go]),
      );
      await Promise.all(
        children.map((child) => child.waitForLine((text) => text === 'ready', 15_000, 'the ready line')),
      );
      writeFileSync(go, '');
      const results = await Promise.all(
        children.map(async (child) => {
          const code = await settlesWithin(child.exited, 15_000, 'exit of a child resolving the key');
          const stdout = child.lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
          const stderr = child.lines
            .filter((l) => l.stream === 'stderr')
            .map((l) => l.text)
            .join('\n');
          return { code, stderr, lines: (stdout.at(-1) ?? '').split(' ') };
        }),
      );
      for (const r of results) expect(r.stderr, `round ${round}`).toBe('');
      for (const r of results) expect(r.code, `round ${round}`).toBe(0);
      expect(new Set(results.map((r) => r.lines[0])).size, `round ${round}`).toBe(1);
      expect(
        results.filter((r) => r.lines[1] === 'true'),
        `round ${round}`,
      ).toHaveLength(1);
      expect(readFileSync(keyFileFor(database), 'utf8').trim()).toBe(results[0]!.lines[0]);
      expect(readdirSync(`${dir.path}/round${round}`)).toEqual(['encryption.key']);
    }
  });

  it('refuses a damaged key file, naming it, without replacing it', () => {
    const file = keyFileFor(`${dir.path}/bot.sqlite`);
    writeFileSync(file, 'not a key\n');
    expect(() => resolveEncryptionKey(undefined, `${dir.path}/bot.sqlite`)).toThrow(
      /ENCRYPTION_KEY \(from the key file .*encryption\.key\) must be 32 bytes/,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });

  it('stops the start when the store holds keys sealed under another key', async () => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const sealer = createSealer(randomBytes(32));
      await new GuildRecords(store, sealer).setKey('1', 'some-key-123456', 'u');
      expect(await assertKeyOpensStore(store, sealer, store.file!, store)).toEqual({
        total: 1,
        unopened: [],
        damaged: [],
        leftoverPendingFile: undefined,
      });
      const wrong = assertKeyOpensStore(store, createSealer(randomBytes(32)), store.file!, store);
      await expect(wrong).rejects.toBeInstanceOf(ConfigError);
      await expect(wrong).rejects.toThrow(/ENCRYPTION_KEY does not open 1 of the 1 API keys/);
    } finally {
      await store.close();
    }
  });

  it('starts past a few keys it cannot open (damaged, or under a stray key), naming their servers', async () => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const sealer = createSealer(randomBytes(32));
      const guilds = new GuildRecords(store, sealer);
      for (const id of ['1', '2', '3']) await guilds.setKey(id, `key-of-${id}-123456`, 'u');
      await new GuildRecords(store, createSealer(randomBytes(32))).setKey('4', 'stray-key-123456', 'u');
      await store.keyv.set('guild:5', {
        roles: [],
        audit: [],
        apiKey: { sealed: 'plaintext-123456', setBy: 'u', setAt: 1 },
      });
      const checked = await assertKeyOpensStore(store, sealer, store.file!, store);
      expect({ ...checked, unopened: checked.unopened.toSorted() }).toEqual({
        total: 5,
        unopened: ['4', '5'],
        damaged: [],
        leftoverPendingFile: undefined,
      });
      // More keys under one other key than under this one: this key is the wrong one.
      const other = createSealer(randomBytes(32));
      for (const id of ['6', '7', '8', '9'])
        await new GuildRecords(store, other).setKey(id, `key-of-${id}-123456`, 'u');
      await expect(assertKeyOpensStore(store, sealer, store.file!, store)).rejects.toThrow(
        /ENCRYPTION_KEY does not open 6 of the 9 API keys/,
      );
    } finally {
      await store.close();
    }
  });

  it('stops the start while a rotation is unfinished, naming the saved key and the command; a finished one only leaves its file', async () => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const current = randomBytes(32);
      const sealer = createSealer(current);
      await new GuildRecords(store, sealer).setKey('1', 'some-key-123456', 'u');
      const pending = pendingKeyFileFor(store.file!);
      writeKeyFile(pending, randomBytes(32));
      const refused = assertKeyOpensStore(store, sealer, store.file!, store);
      await expect(refused).rejects.toBeInstanceOf(ConfigError);
      await expect(refused).rejects.toThrow(
        `a key rotation is not finished: its new key is in ${pending}. Run npm run rotate-key to finish it`,
      );

      writeKeyFile(pending, current);
      expect(await assertKeyOpensStore(store, sealer, store.file!, store)).toEqual({
        total: 1,
        unopened: [],
        damaged: [],
        leftoverPendingFile: pending,
      });
    } finally {
      await store.close();
    }
  });

  it('marks an empty store with the first key at start; another key is then refused, naming ENCRYPTION_KEY, and nothing changes', async () => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const first = createSealer(randomBytes(32));
      expect(await assertKeyOpensStore(store, first, store.file!, store)).toEqual({
        total: 0,
        unopened: [],
        damaged: [],
        leftoverPendingFile: undefined,
      });
      const before = await store.read(SEALING_MARK_KEY);
      const other = createSealer(randomBytes(32));
      const refused = assertKeyOpensStore(store, other, store.file!, {
        where: store.where,
        keyFile: `${dir.path}/encryption.key`,
      });
      await expect(refused).rejects.toBeInstanceOf(ConfigError);
      await expect(refused).rejects.toThrow(
        `ENCRYPTION_KEY (here the key file ${dir.path}/encryption.key) is not the key that seals the store ${store.where}: that is the key with id ${first.kid}, this one has id ${other.kid}.`,
      );
      expect(await store.read(SEALING_MARK_KEY)).toEqual(before);
      // The first key still starts.
      expect((await assertKeyOpensStore(store, first, store.file!, store)).total).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('marks a store sealed before marks existed with the key that opens it, after the census', async () => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    try {
      const sealer = createSealer(randomBytes(32));
      await new GuildRecords(store, sealer).setKey('1', 'some-key-123456', 'u');
      await expect(assertKeyOpensStore(store, createSealer(randomBytes(32)), store.file!, store)).rejects.toThrow(
        /does not open 1 of the 1/,
      );
      expect((await store.read(SEALING_MARK_KEY)).value).toBeUndefined();
      expect((await assertKeyOpensStore(store, sealer, store.file!, store)).total).toBe(1);
      expect((await store.read(SEALING_MARK_KEY)).value).toEqual({ check: sealer.check, kid: sealer.kid });
    } finally {
      await store.close();
    }
  });

  it('a damaged mark, or a store failing at start, stops the start with one line naming it, not an unexpected failure', async () => {
    const store = await openStore(`sqlite://${dir.path}/bot.sqlite`);
    const sealer = createSealer(randomBytes(32));
    try {
      await store.keyv.set(SEALING_MARK_KEY, 'not a mark');
      const damaged = assertKeyOpensStore(store, sealer, store.file!, store);
      await expect(damaged).rejects.toBeInstanceOf(ConfigError);
      await expect(damaged).rejects.toThrow(
        `the record ${SEALING_MARK_KEY} in ${store.where}, which names the key that seals the store, is damaged (not a key check value): delete it`,
      );
    } finally {
      await store.close();
    }
    const failing = assertKeyOpensStore(store, sealer, store.file!, store);
    await expect(failing).rejects.toBeInstanceOf(ConfigError);
    await expect(failing).rejects.toThrow(
      new RegExp(`^DATABASE_URL: the store ${store.where} failed at start \\(store .* failed`),
    );
  });

  it.each([
    ['PostgreSQL', postgresDatabase],
    ['Redis', redisDatabase],
  ] as const)(
    'a wrong key on %s names the store by its URL (without the password), not a file',
    async (_name, create) => {
      const db = await create();
      if (!db) return;
      const store = await openStore(db.url);
      try {
        const sealer = createSealer(randomBytes(32));
        await new GuildRecords(store, sealer).setKey('1', 'some-key-123456', 'u');
        const refused = assertKeyOpensStore(store, createSealer(randomBytes(32)), keyAnchor(store), store);
        await expect(refused).rejects.toThrow(
          `ENCRYPTION_KEY does not open 1 of the 1 API keys stored in ${store.where}: they were sealed under another key.`,
        );
        await expect(refused).rejects.not.toThrow(/data\/store/);
        expect(store.where).toMatch(/^(postgres|redis):\/\//);
        // On an empty store, marked by one key, the other is named against the same URL.
        const empty = await create();
        if (!empty) return;
        const second = await openStore(empty.url);
        try {
          await assertKeyOpensStore(second, sealer, keyAnchor(second), second);
          await expect(
            assertKeyOpensStore(second, createSealer(randomBytes(32)), keyAnchor(second), second),
          ).rejects.toThrow(`is not the key that seals the store ${second.where}:`);
        } finally {
          await second.close();
          await empty.drop();
        }
      } finally {
        await store.close();
        await db.drop();
      }
    },
  );

  it('writes a key file in one step, 0600, over a leftover of a killed write; removing it is idempotent', () => {
    const file = pendingKeyFileFor(`${dir.path}/bot.sqlite`);
    expect(file).toBe(`${keyFileFor(`${dir.path}/bot.sqlite`)}.next`);
    expect(readPendingKey(`${dir.path}/bot.sqlite`)).toBeUndefined();
    writeFileSync(`${file}.tmp`, 'half a ke', { mode: 0o644 });
    const key = randomBytes(32);
    writeKeyFile(file, key);
    expect(readPendingKey(`${dir.path}/bot.sqlite`)).toEqual({ key, file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir.path)).toEqual(['encryption.key.next']);
    removeKeyFile(file);
    removeKeyFile(file);
    expect(existsSync(file)).toBe(false);
  });

  it("writes a key file into a folder not made yet (a server store's ./data), creating it", () => {
    const file = pendingKeyFileFor(keyAnchor({ file: `${dir.path}/data/store` }));
    expect(existsSync(`${dir.path}/data`)).toBe(false);
    const key = randomBytes(32);
    writeKeyFile(file, key);
    expect(readFileSync(file, 'utf8')).toBe(`${key.toString('base64')}\n`);
    expect(readdirSync(`${dir.path}/data`)).toEqual(['encryption.key.next']);
  });

  it('refuses a damaged saved rotation key, naming it', () => {
    writeFileSync(pendingKeyFileFor(`${dir.path}/bot.sqlite`), 'garbage\n');
    expect(() => readPendingKey(`${dir.path}/bot.sqlite`)).toThrow(
      /the new key of an unfinished rotation \(.*encryption\.key\.next\) must be 32 bytes/,
    );
  });
});
