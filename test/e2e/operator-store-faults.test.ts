/**
 * The operator commands against a store that fails them: STORE_TIMEOUT_MS bounds their waits as it
 * bounds the bot's, and a store lost part way through a rotation ends in one line saying that the
 * same command finishes it, which it then does.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuildRecords, guildRecords } from '../../src/core/guilds.js';
import { createSealer } from '../../src/core/seal.js';
import { openStore } from '../../src/store/index.js';
import { startBotProcess } from '../support/bot-process.js';
import { runScript } from '../support/bot-env.js';
import { TOKEN } from '../support/rig.js';
import { type SilentListener, silentListener } from '../support/tcp-proxy.js';
import { tempDir } from '../support/temp.js';

const entry = (name: string) => fileURLToPath(new URL(`../../dist/src/bin/${name}.js`, import.meta.url));
const MOVE_ASIDE_AT = pathToFileURL(fileURLToPath(new URL('../support/move-aside-at.mjs', import.meta.url))).href;
const b64 = (key: Buffer) => key.toString('base64');

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
  mkdirSync(`${dir.path}/data`);
});
afterEach(() => dir.remove());

describe('STORE_TIMEOUT_MS in the operator commands', () => {
  let silent: SilentListener;
  beforeEach(async () => {
    silent = await silentListener();
  });
  afterEach(() => silent.close());

  it.each([
    [
      'rotate-key',
      'DATABASE_URL',
      (url: string) => ({ env: { DATABASE_URL: url }, args: ['--new', b64(randomBytes(32))] }),
    ],
    [
      'migrate-store',
      '--to',
      (url: string) => ({ env: { DATABASE_URL: 'sqlite://data/bot.sqlite' }, args: ['--to', url] }),
    ],
  ])('%s gives up on a silent server after STORE_TIMEOUT_MS, and says so', async (name, variable, setup) => {
    const { env, args } = setup(`postgres://sdbot@127.0.0.1:${silent.port}/sdbot`);
    if (name === 'migrate-store') {
      const store = await openStore(`sqlite://${dir.path}/data/bot.sqlite`);
      await store.close();
    }
    const result = await runScript(
      entry(name),
      { DISCORD_TOKEN: TOKEN, ENCRYPTION_KEY: b64(randomBytes(32)), STORE_TIMEOUT_MS: '1000', ...env },
      dir.path,
      args,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${name}: ${variable}: .* gave no PostgreSQL answer within 1 s`));
    expect(silent.accepted()).toBeGreaterThan(0);
  });
});

describe('npm run rotate-key when the store fails part way', () => {
  it('ends in one line saying to run it again; run again, it finishes and every key opens under the new key', async () => {
    const file = `${dir.path}/data/bot.sqlite`;
    const url = `sqlite://${file}`;
    const [old, next] = [randomBytes(32), randomBytes(32)];
    const expected = new Map<string, string>();
    const store = await openStore(url);
    const guilds = new GuildRecords(store, createSealer(old));
    for (let n = 0; n < 200; n += 1) {
      const id = `${9_100_000_000_000_000 + n}`;
      expected.set(id, `key-${n}-${randomBytes(6).toString('hex')}`);
      await guilds.setKey(id, expected.get(id)!, 'u');
    }
    await store.close();
    const env = { DISCORD_TOKEN: TOKEN, DATABASE_URL: url, ENCRYPTION_KEY: b64(old) };

    const run = startBotProcess(
      { ...env, MOVE_ASIDE_AT: '20', MOVE_ASIDE: file },
      dir.path,
      entry('rotate-key'),
      ['--new', b64(next)],
      ['--import', MOVE_ASIDE_AT],
    );
    expect(await run.exited, run.output()).toBe(1);
    const said = run.lines.filter((line) => line.stream === 'stderr').map((line) => line.text);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^rotate-key: the store .* failed part way \(.*\)\. .*run the same command again to finish$/,
    );
    expect(said[0]).not.toContain('unexpected failure');

    renameSync(`${file}.aside`, file);
    const again = await runScript(entry('rotate-key'), env, dir.path, ['--new', b64(next)], 30_000);
    expect(again.code, again.stderr).toBe(0);
    const reopened = await openStore(url);
    try {
      const sealer = createSealer(next);
      let opened = 0;
      for await (const record of guildRecords(reopened)) {
        const sealed = 'settings' in record ? record.settings.apiKey?.sealed : undefined;
        const result = sealed === undefined ? undefined : sealer.open(sealed, record.guildId);
        if (result?.ok && result.plaintext === expected.get(record.guildId)) opened += 1;
      }
      expect(opened).toBe(expected.size);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
