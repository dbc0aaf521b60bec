import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { configSecrets } from '../src/bot.js';
import { parseConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { BOT_ENTRY, runScript } from './support/bot-env.js';
import { tempDir } from './support/temp.js';

const TOKEN = 'MTIzNDU2Nzg5.abc.defghijkl';
const KEY = Buffer.alloc(32, 7).toString('base64');

describe('parseConfig', () => {
  it('fills every default from a token alone', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN })).toEqual({
      discordToken: TOKEN,
      discordClientId: undefined,
      discordGuildId: undefined,
      discordApiUrl: 'https://discord.com/api',
      sdApiBaseUrl: 'https://modelslab.com/api',
      sdApiTimeoutMs: 10_000,
      databaseUrl: 'sqlite://data/bot.sqlite',
      storeTimeoutMs: 10_000,
      encryptionKey: undefined,
      clearCacheCooldownS: 30,
      logLevel: 'info',
      logFormat: 'json',
      interactionsMode: 'gateway',
      discordPublicKey: undefined,
      httpHost: '0.0.0.0',
      httpPort: undefined,
      metricsToken: undefined,
      shardCount: 'auto',
      shardIds: undefined,
    });
  });

  it('reads the shards: SHARD_COUNT auto or a number, SHARD_IDS as ranges and lists below it', () => {
    const shards = (env: Record<string, string>) => {
      const { shardCount, shardIds } = parseConfig({ DISCORD_TOKEN: TOKEN, ...env });
      return { shardCount, shardIds };
    };
    expect(shards({ SHARD_COUNT: 'auto' })).toEqual({ shardCount: 'auto', shardIds: undefined });
    expect(shards({ SHARD_COUNT: ' AUTO ' })).toEqual({ shardCount: 'auto', shardIds: undefined });
    expect(shards({ SHARD_COUNT: '4' })).toEqual({ shardCount: 4, shardIds: undefined });
    expect(shards({ SHARD_COUNT: '4', SHARD_IDS: '0-3' })).toEqual({ shardCount: 4, shardIds: [0, 1, 2, 3] });
    expect(shards({ SHARD_COUNT: '8', SHARD_IDS: '5,0,2' })).toEqual({ shardCount: 8, shardIds: [0, 2, 5] });
    expect(shards({ SHARD_COUNT: '16', SHARD_IDS: ' 8-10, 2 ,3-3,9' })).toEqual({
      shardCount: 16,
      shardIds: [2, 3, 8, 9, 10],
    });
    expect(shards({ SHARD_COUNT: '2', SHARD_IDS: '1' })).toEqual({ shardCount: 2, shardIds: [1] });
    expect(shards({ SHARD_COUNT: '1', SHARD_IDS: '' })).toEqual({ shardCount: 1, shardIds: undefined });

    for (const bad of ['0', '-1', 'two', '1.5', '100001', '2 shards']) {
      expect(() => shards({ SHARD_COUNT: bad }), bad).toThrow(
        /^SHARD_COUNT must be auto \(Discord's recommendation\) or a whole number of shards from 1 to 100000$/,
      );
    }
    for (const bad of ['a', '1-', '-1', '3-1', '1,,2', '0;1', '0-1-2', '1.0']) {
      expect(() => shards({ SHARD_COUNT: '4', SHARD_IDS: bad }), bad).toThrow(
        /^SHARD_IDS must list shard ids and ranges, e\.g\. 0-3 or 0,2,5/,
      );
    }
    expect(() => shards({ SHARD_COUNT: '4', SHARD_IDS: '2-4' })).toThrow(
      /^SHARD_IDS names shard 4, but SHARD_COUNT=4 means shard ids 0 to 3$/,
    );
    expect(() => shards({ SHARD_COUNT: '1', SHARD_IDS: '1' })).toThrow(
      /SHARD_IDS names shard 1, but SHARD_COUNT=1 means shard ids 0 to 0/,
    );
    // The ids need a known count: auto (also the default) is refused, naming both.
    for (const env of [{ SHARD_IDS: '0' }, { SHARD_COUNT: 'auto', SHARD_IDS: '0-1' }] as Array<
      Record<string, string>
    >) {
      expect(() => shards(env)).toThrow(
        /^SHARD_IDS needs a fixed SHARD_COUNT, not auto \(the default\): set SHARD_COUNT to the total number of shards/,
      );
    }
  });

  it('reads every variable', () => {
    const config = parseConfig({
      DISCORD_TOKEN: TOKEN,
      DISCORD_CLIENT_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9/api/',
      SD_API_BASE_URL: 'http://127.0.0.1:8/api',
      SD_API_TIMEOUT_MS: '2500',
      DATABASE_URL: 'sqlite:///tmp/x.sqlite',
      ENCRYPTION_KEY: KEY,
      CLEARCACHE_COOLDOWN_S: '0',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'development',
    });
    expect(config).toMatchObject({
      discordClientId: '123456789012345678',
      discordGuildId: '223456789012345678',
      discordApiUrl: 'http://127.0.0.1:9/api',
      sdApiTimeoutMs: 2500,
      databaseUrl: 'sqlite:///tmp/x.sqlite',
      encryptionKey: Buffer.alloc(32, 7),
      clearCacheCooldownS: 0,
      logLevel: 'debug',
      logFormat: 'pretty',
    });
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, NODE_ENV: 'production' }).logFormat).toBe('json');
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, NODE_ENV: 'development', LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it('reads the edge: gateway by default, http with its public key, host and port', () => {
    const publicKey = 'AB'.repeat(32);
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, HTTP_PORT: '8080' })).toMatchObject({
      interactionsMode: 'gateway',
      httpPort: 8080,
      httpHost: '0.0.0.0',
    });
    expect(
      parseConfig({ DISCORD_TOKEN: TOKEN, INTERACTIONS_MODE: 'http', DISCORD_PUBLIC_KEY: publicKey }),
    ).toMatchObject({
      interactionsMode: 'http',
      discordPublicKey: publicKey.toLowerCase(),
      httpPort: 3000,
    });
    expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, INTERACTIONS_MODE: 'http' })).toThrow(
      /DISCORD_PUBLIC_KEY is not set/,
    );
    expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, INTERACTIONS_MODE: 'http', DISCORD_PUBLIC_KEY: 'abc' })).toThrow(
      /DISCORD_PUBLIC_KEY must be the 64 hex characters/,
    );
    expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, INTERACTIONS_MODE: 'websocket' })).toThrow(
      /INTERACTIONS_MODE must be gateway or http/,
    );
    expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, HTTP_PORT: '70000' })).toThrow(/HTTP_PORT must be a TCP port/);
  });

  it('takes a PostgreSQL or Redis DATABASE_URL, and then needs ENCRYPTION_KEY', () => {
    for (const url of [
      'postgres://bot:pw@db.internal:5432/bot',
      'postgresql://db/bot',
      'redis://cache:6379/0',
      'rediss://cache:6380',
    ]) {
      expect(parseConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: url, ENCRYPTION_KEY: KEY }).databaseUrl).toBe(url);
      expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: url })).toThrow(
        /ENCRYPTION_KEY is not set: with a PostgreSQL or Redis DATABASE_URL/,
      );
    }
  });

  it('trims what an env file adds around DATABASE_URL (a space, the CR of a CRLF line), so the same file is opened', () => {
    for (const url of [
      'sqlite://data/bot.sqlite ',
      'sqlite://data/bot.sqlite\r',
      ' sqlite://data/bot.sqlite\t',
      'sqlite://data/bot.sqlite\r\n',
    ]) {
      expect(parseConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: url }).databaseUrl).toBe('sqlite://data/bot.sqlite');
    }
    expect(
      parseConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: 'redis://cache:6379/0\r', ENCRYPTION_KEY: KEY }).databaseUrl,
    ).toBe('redis://cache:6379/0');
    // A space inside a path is a path.
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: 'sqlite:///srv/my bot/bot.sqlite' }).databaseUrl).toBe(
      'sqlite:///srv/my bot/bot.sqlite',
    );
  });

  it('refuses a DATABASE_URL that cannot be a file path or a Redis database, naming it and the fix, never echoing it', () => {
    const refused: Array<[string, RegExp]> = [
      [
        'sqlite://data/bot.sqlite?mode=ro',
        /^(?!.*mode=ro).*DATABASE_URL is a file path after sqlite:\/\/ and takes no \?options or #fragment/,
      ],
      ['sqlite://data/bot.sqlite#main', /takes no \?options or #fragment/],
      ['sqlite://data/bot\r.sqlite', /DATABASE_URL holds a control character/],
      ['sqlite://data/', /DATABASE_URL must name a database file after sqlite:\/\//],
      ['sqlite://', /DATABASE_URL must name a database file/],
      [
        'redis://cache:6379/abc',
        /^(?!.*abc).*DATABASE_URL must end in a Redis database number .*redis:\/\/host:6379\/0/,
      ],
      ['rediss://cache:6379/0/x', /DATABASE_URL must end in a Redis database number/],
    ];
    for (const [url, message] of refused) {
      expect(() => parseConfig({ DISCORD_TOKEN: TOKEN, DATABASE_URL: url, ENCRYPTION_KEY: KEY }), url).toThrow(message);
    }
  });

  it('the secrets of a store URL whose encoding is malformed are read as written, never thrown over', () => {
    const password = 'Pa55-w0rd-xyz%pw-4f1c';
    const config = { ...parseConfig({ DISCORD_TOKEN: TOKEN }), databaseUrl: `postgres://u:${password}@db:5432/x` };
    const secrets = configSecrets(config);
    expect(secrets.scrub(`connect failed for ${password}`)).not.toContain(password);
  });

  it('.env.example, with a token filled in, is a valid configuration of the defaults', () => {
    const example = parse(readFileSync(new URL('../.env.example', import.meta.url)));
    expect(parseConfig({ ...example, DISCORD_TOKEN: TOKEN })).toEqual(parseConfig({ DISCORD_TOKEN: TOKEN }));
  });

  it('ignores spaces and the CR of a CRLF line around every variable, and names the variable of any refusal', () => {
    const env = {
      DISCORD_TOKEN: TOKEN,
      DISCORD_CLIENT_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:9/api',
      SD_API_TIMEOUT_MS: '5000',
      STORE_TIMEOUT_MS: '2000',
      ENCRYPTION_KEY: KEY,
      CLEARCACHE_COOLDOWN_S: '10',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      NODE_ENV: 'production',
      INTERACTIONS_MODE: 'http',
      DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '3001',
      METRICS_TOKEN: 'm'.repeat(32),
      SHARD_COUNT: '2',
      SHARD_IDS: '0-1',
    };
    const padded = Object.fromEntries(Object.entries(env).map(([name, value]) => [name, ` ${value} \r`]));
    expect(parseConfig(padded)).toEqual(parseConfig(env));
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, HTTP_HOST: ' \r' }).httpHost).toBe('0.0.0.0');
    // Every variable but the two free-form ones refuses this, and the refusal names it.
    for (const name of Object.keys(env).filter((n) => n !== 'NODE_ENV' && n !== 'HTTP_HOST')) {
      const bad = { ...env, [name]: '%bad value%' };
      expect(() => parseConfig(bad), name).toThrow(new RegExp(`\\b${name}\\b`));
    }
  });

  it('treats an empty optional variable as unset', () => {
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, ENCRYPTION_KEY: '', DISCORD_GUILD_ID: '' })).toMatchObject({
      encryptionKey: undefined,
      discordGuildId: undefined,
    });
  });

  it.each(['SD_API_BASE_URL', 'DISCORD_API_URL'])('refuses credentials in %s, without echoing them', (name) => {
    for (const url of [
      'https://someone:Pa55-w0rd-xyz@api.example/api',
      'https://:Pa55-w0rd-xyz@api.example',
      'https://Pa55-w0rd-xyz@api.example/api',
      'https://someone:Pa55-w0rd-xyz@api.example:8443/api',
    ]) {
      let error: unknown;
      try {
        parseConfig({ DISCORD_TOKEN: TOKEN, [name]: url });
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toMatch(new RegExp(`${name} must not contain a user name or password`));
      expect(message).not.toContain('Pa55-w0rd-xyz');
      expect(message).not.toContain('someone');
    }
    // An @ in the path is not a credential.
    expect(parseConfig({ DISCORD_TOKEN: TOKEN, [name]: 'https://api.example/@team/api' })).toBeDefined();
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      parseConfig({ SD_API_TIMEOUT_MS: 'soon', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/DISCORD_TOKEN.*SD_API_TIMEOUT_MS.*LOG_LEVEL/s);
  });
});

describe('starting the bot from an environment whose values end in the CR of a CRLF line', () => {
  it('reads every value as without it: the start gets as far as Discord', async () => {
    const dir = tempDir();
    try {
      const env = {
        DISCORD_TOKEN: TOKEN,
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        INTERACTIONS_MODE: 'gateway',
        NODE_ENV: 'production',
        DISCORD_API_URL: 'http://127.0.0.1:9/api',
      };
      const crlf = Object.fromEntries(Object.entries(env).map(([name, value]) => [name, `${value}\r`]));
      const result = await runScript(BOT_ENTRY, crlf, dir.path);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^bot: could not connect to Discord at DISCORD_API_URL=http:\/\/127\.0\.0\.1:9\/api: /,
      );
    } finally {
      dir.remove();
    }
  });
});

describe.concurrent('starting the bot with a bad environment', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing DISCORD_TOKEN', {}, /DISCORD_TOKEN is not set/],
    ['empty DISCORD_TOKEN', { DISCORD_TOKEN: '' }, /DISCORD_TOKEN is empty/],
    ['DISCORD_TOKEN with spaces', { DISCORD_TOKEN: 'abc def' }, /DISCORD_TOKEN contains whitespace/],
    [
      'bad DISCORD_CLIENT_ID',
      { DISCORD_TOKEN: TOKEN, DISCORD_CLIENT_ID: 'my-bot' },
      /DISCORD_CLIENT_ID must be a Discord id/,
    ],
    ['bad DISCORD_GUILD_ID', { DISCORD_TOKEN: TOKEN, DISCORD_GUILD_ID: '12' }, /DISCORD_GUILD_ID must be a Discord id/],
    [
      'bad DISCORD_API_URL',
      { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'discord.com' },
      /DISCORD_API_URL must be an http\(s\) URL/,
    ],
    [
      'bad SD_API_BASE_URL',
      { DISCORD_TOKEN: TOKEN, SD_API_BASE_URL: 'ftp://x' },
      /SD_API_BASE_URL must be an http\(s\) URL/,
    ],
    [
      'SD_API_BASE_URL with credentials',
      { DISCORD_TOKEN: TOKEN, SD_API_BASE_URL: 'https://user:Pa55-w0rd-xyz@modelslab.com/api' },
      /SD_API_BASE_URL must not contain a user name or password/,
    ],
    [
      'DISCORD_API_URL with credentials',
      { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: 'https://user:Pa55-w0rd-xyz@discord.com/api' },
      /DISCORD_API_URL must not contain a user name or password/,
    ],
    [
      'bad SD_API_TIMEOUT_MS',
      { DISCORD_TOKEN: TOKEN, SD_API_TIMEOUT_MS: '10s' },
      /SD_API_TIMEOUT_MS must be a whole number of milliseconds/,
    ],
    [
      'zero SD_API_TIMEOUT_MS',
      { DISCORD_TOKEN: TOKEN, SD_API_TIMEOUT_MS: '0' },
      /SD_API_TIMEOUT_MS must be a whole number/,
    ],
    [
      'bad DATABASE_URL',
      { DISCORD_TOKEN: TOKEN, DATABASE_URL: 'mysql://db/bot' },
      /DATABASE_URL must look like sqlite:\/\//,
    ],
    [
      'SQLite DATABASE_URL with a ?query',
      { DISCORD_TOKEN: TOKEN, DATABASE_URL: 'sqlite://data/bot.sqlite?cache=shared' },
      /DATABASE_URL is a file path after sqlite:\/\/ and takes no \?options/,
    ],
    [
      'a literal % in the DATABASE_URL password',
      {
        DISCORD_TOKEN: TOKEN,
        DATABASE_URL: 'postgres://postgres:Pa55-w0rd-xyz%pw@127.0.0.1:5432/db',
        ENCRYPTION_KEY: KEY,
      },
      /^bot: DATABASE_URL holds a % that is not a percent-escape \(%XX\): write a literal % as %25/,
    ],
    [
      'Redis DATABASE_URL with a name for a number',
      { DISCORD_TOKEN: TOKEN, DATABASE_URL: 'redis://127.0.0.1:6379/abc', ENCRYPTION_KEY: KEY },
      /DATABASE_URL must end in a Redis database number/,
    ],
    [
      'short ENCRYPTION_KEY',
      { DISCORD_TOKEN: TOKEN, ENCRYPTION_KEY: 'c2hvcnQ=' },
      /ENCRYPTION_KEY must be 32 bytes in base64/,
    ],
    [
      'bad CLEARCACHE_COOLDOWN_S',
      { DISCORD_TOKEN: TOKEN, CLEARCACHE_COOLDOWN_S: '-1' },
      /CLEARCACHE_COOLDOWN_S must be a whole number of seconds/,
    ],
    ['bad LOG_LEVEL', { DISCORD_TOKEN: TOKEN, LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
    ['bad LOG_FORMAT', { DISCORD_TOKEN: TOKEN, LOG_FORMAT: 'xml' }, /LOG_FORMAT must be json or pretty/],
    [
      'bad SHARD_COUNT',
      { DISCORD_TOKEN: TOKEN, SHARD_COUNT: '0' },
      /SHARD_COUNT must be auto .* or a whole number of shards from 1/,
    ],
    [
      'bad SHARD_IDS',
      { DISCORD_TOKEN: TOKEN, SHARD_COUNT: '4', SHARD_IDS: '3-1' },
      /SHARD_IDS must list shard ids and ranges/,
    ],
    [
      'SHARD_IDS beyond SHARD_COUNT',
      { DISCORD_TOKEN: TOKEN, SHARD_COUNT: '2', SHARD_IDS: '0-2' },
      /SHARD_IDS names shard 2, but SHARD_COUNT=2/,
    ],
    [
      'SHARD_IDS with SHARD_COUNT=auto',
      { DISCORD_TOKEN: TOKEN, SHARD_COUNT: 'auto', SHARD_IDS: '1' },
      /SHARD_IDS needs a fixed SHARD_COUNT, not auto/,
    ],
  ];

  it.each(cases)('%s: one plain line naming it, exit 1', async (_name, env, message) => {
    const dir = tempDir();
    try {
      const result = await runScript(BOT_ENTRY, env, dir.path);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1); // no stack trace
      expect(result.stderr).not.toMatch(/\n\s+at /);
      if (env.DISCORD_TOKEN) expect(result.stderr + result.stdout).not.toContain(env.DISCORD_TOKEN);
      expect(result.stderr + result.stdout).not.toContain('Pa55-w0rd-xyz');
    } finally {
      dir.remove();
    }
  });
});
