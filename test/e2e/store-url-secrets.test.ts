/**
 * A store password written where redaction did not look (a ?password= parameter, which pg reads,
 * or redis://PASSWORD@host) stays out of what the built bot prints when its store cannot be
 * reached. Port 9 (discard) has nothing listening on loopback, so the start fails at once.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BOT_ENTRY, runScript } from '../support/bot-env.js';
import { TOKEN } from '../support/rig.js';
import { tempDir } from '../support/temp.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const start = (databaseUrl: string) =>
  runScript(
    BOT_ENTRY,
    { DISCORD_TOKEN: TOKEN, DATABASE_URL: databaseUrl, ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    dir.path,
  );

describe('a store URL with its password outside user:pass@', () => {
  it.each([
    [
      '?password=',
      'postgres://postgres@127.0.0.1:9/x?password=S3cretQ',
      'S3cretQ',
      /postgres:\/\/postgres@127\.0\.0\.1:9\/x\?password=\*\*\*/,
    ],
    [
      '?sslpassword= beside another parameter',
      'postgres://postgres@127.0.0.1:9/x?sslmode=disable&sslpassword=Ssl-S3cret-pass-8d1f',
      'Ssl-S3cret-pass-8d1f',
      /\?sslmode=disable&sslpassword=\*\*\*/,
    ],
    [
      'a parameter named like a token',
      'postgres://postgres@127.0.0.1:9/x?auth_token=Tok3nValue9',
      'Tok3nValue9',
      /\?auth_token=\*\*\*/,
    ],
    [
      'redis://PASSWORD@host',
      'redis://R3dis-pass-word-77c1@127.0.0.1:9/0',
      'R3dis-pass-word-77c1',
      /redis:\/\/:\*\*\*@127\.0\.0\.1:9\/0/,
    ],
  ])('%s: the failed start names the store with the password masked', async (_name, url, secret, shown) => {
    const result = await start(url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^bot: DATABASE_URL: /);
    expect(result.stderr).toMatch(shown);
    expect(result.stderr + result.stdout).not.toContain(secret);
  });
});
