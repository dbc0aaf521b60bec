import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BotError, DamagedRecordError, StoreError, StoreTimeoutError, isExpected } from '../src/core/errors.js';
import { ConfigError, KeyFileError, StartupError } from '../src/errors.js';
import { CommandModuleError, InputError } from '../src/interactions/errors.js';
import { resolveEncryptionKey } from '../src/keyfile.js';
import { StoreOpenError } from '../src/store/errors.js';
import { runScript } from './support/bot-env.js';
import { tempDir } from './support/temp.js';

describe('the errors of every layer', () => {
  const errors: Array<[BotError, string, boolean]> = [
    [new ConfigError('x'), 'SDBOT_CONFIG', true],
    [new KeyFileError('x'), 'SDBOT_KEY_FILE', true],
    [new StartupError('x'), 'SDBOT_STARTUP', true],
    [new StoreOpenError('x'), 'SDBOT_STORE_OPEN', true],
    [new StoreTimeoutError('read', 10), 'SDBOT_STORE_TIMEOUT', false],
    [new StoreError('read', new Error('x')), 'SDBOT_STORE', false],
    [new DamagedRecordError('guild:1', 'x'), 'SDBOT_DAMAGED_RECORD', false],
    [new InputError('x'), 'SDBOT_INPUT', false],
    [new CommandModuleError('x'), 'SDBOT_COMMAND_MODULE', false],
  ];

  it.each(errors)('%s has a stable code and says whether it is expected', (error, code, expected) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(isExpected(error)).toBe(expected);
  });

  it('gives each error a code of its own', () => {
    expect(new Set(errors.map(([error]) => error.code)).size).toBe(errors.length);
  });

  it('treats anything not raised by the bot as unexpected', () => {
    expect(isExpected(new Error('x'))).toBe(false);
    expect(isExpected({ expected: true, message: 'x' })).toBe(false);
  });
});

describe('an entry point', () => {
  // The built cli.js and errors module, as the entries run them: the marker decides, not a list of classes.
  const cli = new URL('../dist/src/cli.js', import.meta.url).href;
  const errors = new URL('../dist/src/core/errors.js', import.meta.url).href;
  const entryThrowing = (expected: boolean) => `const { runEntry } = await import(${JSON.stringify(cli)});
    const { BotError } = await import(${JSON.stringify(errors)});
    class NewError extends BotError { code = 'SDBOT_NEW'; expected = ${expected}; }
    runEntry('tool', async () => { throw new NewError('the folder /x is missing: create it'); });`;

  it('prints an error marked expected as one plain line and exits 1, whatever its class', async () => {
    const dir = tempDir();
    try {
      const run = await runScript('--input-type=module', {}, dir.path, ['-e', entryThrowing(true)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('tool: the folder /x is missing: create it\n');
    } finally {
      dir.remove();
    }
  });

  it('calls any other error an unexpected failure', async () => {
    const dir = tempDir();
    try {
      const run = await runScript('--input-type=module', {}, dir.path, ['-e', entryThrowing(false)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('tool: unexpected failure: the folder /x is missing: create it\n');
    } finally {
      dir.remove();
    }
  });
});

describe('a key file that cannot be read', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('is a KeyFileError naming the file, not a configuration error', () => {
    mkdirSync(`${dir.path}/encryption.key`); // a folder where the file should be: reading it fails
    let error: unknown;
    try {
      resolveEncryptionKey(undefined, `${dir.path}/bot.sqlite`);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KeyFileError);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect(isExpected(error)).toBe(true);
    expect((error as Error).message).toMatch(
      `ENCRYPTION_KEY is not set and the key file ${dir.path}/encryption.key cannot be read (EISDIR`,
    );
  });
});
