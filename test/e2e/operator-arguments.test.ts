/**
 * The operator commands' arguments, through the built entries: a mistake is one line naming the
 * usage that never quotes what was typed (it may be the new key or a password), --help prints the
 * usage and does nothing else, and a backup is never written under a name that was not a file name.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript } from '../support/bot-env.js';
import { TOKEN } from '../support/rig.js';
import { tempDir } from '../support/temp.js';

const entry = (name: string) => fileURLToPath(new URL(`../../dist/src/bin/${name}.js`, import.meta.url));
const KEY = randomBytes(32).toString('base64');

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
  mkdirSync(`${dir.path}/data`);
});
afterEach(() => dir.remove());

const run = (name: string, args: string[]) =>
  runScript(entry(name), { DISCORD_TOKEN: TOKEN, DATABASE_URL: 'sqlite://data/bot.sqlite' }, dir.path, args);

describe('npm run rotate-key with arguments it cannot use', () => {
  it.each([
    ['the key without --new', [KEY]],
    ['a value after --new <key>', ['--new', KEY, KEY.slice(0, 20)]],
    ['a misspelt option', ['--nwe', KEY]],
    ['a short option', ['-n', KEY]],
    ['--new without its value', ['--new']],
  ])('%s: exit 1, one line naming the usage, the key never shown', async (_name, args) => {
    const result = await run('rotate-key', args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^rotate-key: [^\n]+; usage: npm run rotate-key -- --new /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('unexpected failure');
    expect(result.stderr + result.stdout).not.toContain(KEY.slice(0, 20));
    expect(existsSync(`${dir.path}/data/encryption.key.next`)).toBe(false);
  });
});

describe('--help on every operator command', () => {
  it.each(['rotate-key', 'migrate-store', 'backup', 'restore', 'deploy-commands'])(
    '%s --help prints its usage and does nothing else',
    async (name) => {
      const result = await run(name, ['--help']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^usage: npm run ${name}`));
      expect(readdirSync(dir.path)).toEqual(['data']);
      expect(readdirSync(`${dir.path}/data`)).toEqual([]);
    },
  );

  it.each([
    ['backup', ['one.sqlite', 'two.sqlite']],
    ['restore', ['--force', 'one.sqlite']],
    ['deploy-commands', [KEY]],
  ])('%s with arguments it does not take: one line naming the usage, nothing quoted', async (name, args) => {
    const result = await run(name, args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${name}: [^\\n]+; usage: npm run ${name}`));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain(KEY.slice(0, 20));
    expect(readdirSync(dir.path)).toEqual(['data']);
  });
});

describe('npm run backup into a folder', () => {
  it.each([
    ['a folder that exists', 'data', true],
    ['a name ending in /', 'backups/', false],
  ])('%s is refused, naming it as a folder; no file is written', async (_name, target, exists) => {
    if (!exists) expect(existsSync(`${dir.path}/backups`)).toBe(false);
    const result = await run('backup', [target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^backup: ${target} is a folder: name the backup file in it`));
    expect(readdirSync(dir.path)).toEqual(['data']);
    expect(readdirSync(`${dir.path}/data`)).toEqual([]);
  });
});
