/**
 * The environment, read and validated once. Nothing else in the project reads process.env.
 * Every problem names its variable and how to fix it, so a bad start is one plain message.
 */
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { STORE_DEADLINE_MS } from './store/deadline.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  discordToken: string;
  discordClientId: string | undefined;
  discordGuildId: string | undefined;
  discordApiUrl: string;
  sdApiBaseUrl: string;
  sdApiTimeoutMs: number;
  databaseUrl: string;
  /** How long one store call may take (the store's deadline). */
  storeTimeoutMs: number;
  /** 32 raw bytes, or undefined to use (or create) the key file beside the database. */
  encryptionKey: Buffer | undefined;
  clearCacheCooldownS: number;
  logLevel: (typeof LOG_LEVELS)[number];
  logFormat: 'json' | 'pretty';
  /** How interactions reach the bot: the gateway (a websocket), or Discord POSTing them to our HTTP endpoint. */
  interactionsMode: 'gateway' | 'http';
  /** The application's Ed25519 public key (hex): every request to /interactions must be signed with it. */
  discordPublicKey: string | undefined;
  httpHost: string;
  /** The HTTP server's port: always in http mode, only when set in gateway mode (for /livez, /readyz, /metrics). */
  httpPort: number | undefined;
  /** When set, GET /metrics needs `Authorization: Bearer <it>`. */
  metricsToken: string | undefined;
  /** The total number of gateway shards across every process of the bot, or 'auto': Discord's recommendation. */
  shardCount: number | 'auto';
  /** The shards this process runs (sorted, each below shardCount); undefined: every shard. */
  shardIds: number[] | undefined;
}

const snowflake = (name: string) =>
  z
    .string()
    .regex(/^\d{17,20}$/, `${name} must be a Discord id (17-20 digits): copy it with Developer Mode on`)
    .optional();

const httpUrl = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), `${name} must be an http(s) URL, e.g. ${fallback}`)
    // A URL is shown in errors and replies: credentials in it would be shown too. The message never echoes the value.
    .refine(
      (v) => !hasCredentials(v),
      `${name} must not contain a user name or password (user:pass@host): remove them, e.g. ${fallback}`,
    )
    .transform((v) => v.replace(/\/+$/, ''));

function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { username, password } = new URL(url);
  return username !== '' || password !== '';
}

/**
 * What is wrong with a store URL (undefined: nothing), as one line naming `name` and the fix; never
 * echoes the value (a server URL may hold a password). The value is trimmed already: what an env
 * file adds at the ends (a space, the CR of a CRLF line) is not part of it.
 */
function databaseUrlProblem(v: string, name: string): string | undefined {
  const shapes = 'sqlite://data/bot.sqlite, postgres://user:password@host:5432/db or redis://host:6379/0';
  // Anything after sqlite:// is taken as a file name: a stray character would open a new, empty database.
  const file = /^sqlite:\/\/(.*)$/s.exec(v)?.[1];
  if (file !== undefined) {
    if (file === '' || file.endsWith('/'))
      return `${name} must name a database file after sqlite://, e.g. sqlite://data/bot.sqlite`;
    if (/[?#]/.test(file))
      return `${name} is a file path after sqlite:// and takes no ?options or #fragment: remove everything from the ? or #, e.g. sqlite://data/bot.sqlite`;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    if (/[\x00-\x1f\x7f]/.test(file))
      return `${name} holds a control character (a line break or tab inside the value?): write the path on one line, e.g. sqlite://data/bot.sqlite`;
    return undefined;
  }
  if (!/^(postgres(ql)?|rediss?):\/\/[^\s]+$/.test(v) || !URL.canParse(v)) return `${name} must look like ${shapes}`;
  // The clients percent-decode the user, password and database name: a lone % (or an escape that is no UTF-8) makes them throw "URI malformed".
  if (!decodes(v))
    return `${name} holds a % that is not a percent-escape (%XX): write a literal % as %25 (in a password too)`;
  // Redis names its databases by number; anything else fails deep inside the client.
  const { protocol, pathname } = new URL(v);
  if (protocol.startsWith('redis') && !/^\/?(\d{1,5})?$/.test(pathname)) {
    return `${name} must end in a Redis database number (or nothing, for 0), e.g. redis://host:6379/0`;
  }
  return undefined;
}

function decodes(v: string): boolean {
  try {
    decodeURIComponent(v);
    return true;
  } catch {
    return false;
  }
}

/** Checks a store URL given elsewhere than DATABASE_URL (a command's option) as DATABASE_URL is checked; never echoes it. */
export function checkDatabaseUrl(value: string, name: string): string {
  const trimmed = value.trim();
  const problem = databaseUrlProblem(trimmed, name);
  if (problem) throw new ConfigError(problem);
  return trimmed;
}
/** Far beyond any bot's needs (Discord wants about 1,000 servers per shard), low enough to list. */
export const MAX_SHARDS = 100_000;

/** `auto`, or a whole number of shards. */
const shardCount = z
  .string()
  .default('auto')
  .refine(
    (v) => v.toLowerCase() === 'auto' || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_SHARDS),
    `SHARD_COUNT must be auto (Discord's recommendation) or a whole number of shards from 1 to ${MAX_SHARDS}`,
  )
  .transform((v) => (v.toLowerCase() === 'auto' ? ('auto' as const) : Number(v)));

/** Shard ids as ranges and lists, e.g. `0-3` or `0,2,5` or `0-3,8`: sorted, without repeats. */
const shardIds = z
  .string()
  .transform((v, ctx) => {
    const ids = new Set<number>();
    for (const part of v.split(',')) {
      const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
      const from = Number(match?.[1]);
      const to = match?.[2] === undefined ? from : Number(match[2]);
      if (!match || to < from || to >= MAX_SHARDS) {
        ctx.addIssue({
          code: 'custom',
          message: `SHARD_IDS must list shard ids and ranges, e.g. 0-3 or 0,2,5 (not "${part.trim().slice(0, 20)}")`,
        });
        return z.NEVER;
      }
      for (let id = from; id <= to; id += 1) ids.add(id);
    }
    return [...ids].sort((a, b) => a - b);
  })
  .optional();

const integer = (name: string, fallback: number, min: number, max: number, unit: string) =>
  z
    .string()
    .default(String(fallback))
    .refine(
      (v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max,
      `${name} must be a whole number of ${unit} from ${min} to ${max}`,
    )
    .transform(Number);

export function decodeEncryptionKey(value: string, name = 'ENCRYPTION_KEY'): Buffer {
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(value.trim()) ? Buffer.from(value.trim(), 'base64') : Buffer.alloc(0);
  if (bytes.length !== 32) {
    throw new ConfigError(`${name} must be 32 bytes in base64 (44 characters); make one with: openssl rand -base64 32`);
  }
  return bytes;
}

const schema = z.object({
  DISCORD_TOKEN: z
    .string({ error: 'DISCORD_TOKEN is not set: put your bot token (Developer Portal > Bot > Reset Token) in .env' })
    .min(1, 'DISCORD_TOKEN is empty: put your bot token (Developer Portal > Bot > Reset Token) in .env')
    .refine((v) => !/\s/.test(v), 'DISCORD_TOKEN contains whitespace: paste the token alone'),
  DISCORD_CLIENT_ID: snowflake('DISCORD_CLIENT_ID'),
  DISCORD_GUILD_ID: snowflake('DISCORD_GUILD_ID'),
  DISCORD_API_URL: httpUrl('DISCORD_API_URL', 'https://discord.com/api'),
  SD_API_BASE_URL: httpUrl('SD_API_BASE_URL', 'https://modelslab.com/api'),
  SD_API_TIMEOUT_MS: integer('SD_API_TIMEOUT_MS', 10_000, 100, 120_000, 'milliseconds'),
  DATABASE_URL: z
    .string()
    .default('sqlite://data/bot.sqlite')
    .superRefine((v, ctx) => {
      const problem = databaseUrlProblem(v, 'DATABASE_URL');
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  STORE_TIMEOUT_MS: integer('STORE_TIMEOUT_MS', STORE_DEADLINE_MS, 1000, 120_000, 'milliseconds'),
  ENCRYPTION_KEY: z.string().optional(),
  CLEARCACHE_COOLDOWN_S: integer('CLEARCACHE_COOLDOWN_S', 30, 0, 86_400, 'seconds'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'LOG_FORMAT must be json or pretty' }).optional(),
  NODE_ENV: z.string().optional(),
  INTERACTIONS_MODE: z
    .enum(['gateway', 'http'], { error: 'INTERACTIONS_MODE must be gateway or http' })
    .default('gateway'),
  DISCORD_PUBLIC_KEY: z
    .string()
    .regex(
      /^[0-9a-fA-F]{64}$/,
      'DISCORD_PUBLIC_KEY must be the 64 hex characters of Developer Portal > General Information > Public Key',
    )
    .optional(),
  // Empty (or only spaces): unset, so every address.
  HTTP_HOST: z.string().default('0.0.0.0'),
  METRICS_TOKEN: z
    .string()
    .regex(
      /^[\x21-\x7e]{16,256}$/,
      'METRICS_TOKEN must be 16 to 256 printable characters without spaces; make one with: openssl rand -hex 32',
    )
    .optional(),
  HTTP_PORT: z
    .string()
    .refine(
      (v) => /^\d+$/.test(v) && Number(v) <= 65_535,
      'HTTP_PORT must be a TCP port from 1 to 65535 (0: any free port, logged at start)',
    )
    .transform(Number)
    .optional(),
  SHARD_COUNT: shardCount,
  SHARD_IDS: shardIds,
});

/**
 * The variables as the schema reads them, in the one place they are cleaned: trimmed, since an env
 * file may add a space or the CR of a CRLF line at either end of any value, and an empty value taken
 * as unset (the default applies) rather than as "". DISCORD_TOKEN stays, to be named when empty.
 */
function present(env: Record<string, string | undefined>): Record<string, string> {
  const trimmed = Object.entries(env).map(([name, value]) => [name, value?.trim()] as const);
  return Object.fromEntries(
    trimmed.filter(
      (entry): entry is [string, string] => entry[1] !== undefined && (entry[1] !== '' || entry[0] === 'DISCORD_TOKEN'),
    ),
  );
}

/** An issue's message, prefixed with its variable where the message does not name it (a check without a message of ours). */
function namingItsVariable(issue: z.core.$ZodIssue): string {
  const name = String(issue.path[0] ?? '');
  return name === '' || issue.message.includes(name) ? issue.message : `${name}: ${issue.message}`;
}

/** Validates an environment. Throws one ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(present(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map(namingItsVariable).join('; '));
  }
  const e = parsed.data;
  if (!e.DATABASE_URL.startsWith('sqlite:') && e.ENCRYPTION_KEY === undefined) {
    throw new ConfigError(
      'ENCRYPTION_KEY is not set: with a PostgreSQL or Redis DATABASE_URL every process must seal with the same key; make one with: openssl rand -base64 32',
    );
  }
  if (e.INTERACTIONS_MODE === 'http' && e.DISCORD_PUBLIC_KEY === undefined) {
    throw new ConfigError(
      'DISCORD_PUBLIC_KEY is not set: INTERACTIONS_MODE=http needs the public key from Developer Portal > General Information',
    );
  }
  if (e.SHARD_IDS !== undefined && e.SHARD_COUNT === 'auto') {
    throw new ConfigError(
      'SHARD_IDS needs a fixed SHARD_COUNT, not auto (the default): set SHARD_COUNT to the total number of shards across all processes, and SHARD_IDS to the ones this process runs',
    );
  }
  const outside = e.SHARD_IDS?.find((id) => id >= (e.SHARD_COUNT as number));
  if (outside !== undefined) {
    const count = e.SHARD_COUNT as number;
    throw new ConfigError(
      `SHARD_IDS names shard ${outside}, but SHARD_COUNT=${count} means shard ids 0 to ${count - 1}`,
    );
  }
  return {
    discordToken: e.DISCORD_TOKEN,
    discordClientId: e.DISCORD_CLIENT_ID,
    discordGuildId: e.DISCORD_GUILD_ID,
    discordApiUrl: e.DISCORD_API_URL,
    sdApiBaseUrl: e.SD_API_BASE_URL,
    sdApiTimeoutMs: e.SD_API_TIMEOUT_MS,
    databaseUrl: e.DATABASE_URL,
    storeTimeoutMs: e.STORE_TIMEOUT_MS,
    encryptionKey: e.ENCRYPTION_KEY === undefined ? undefined : decodeEncryptionKey(e.ENCRYPTION_KEY),
    clearCacheCooldownS: e.CLEARCACHE_COOLDOWN_S,
    logLevel: e.LOG_LEVEL,
    // JSON lines unless asked otherwise; a development NODE_ENV (npm run dev) gets readable lines.
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV !== undefined && e.NODE_ENV !== 'production' ? 'pretty' : 'json'),
    interactionsMode: e.INTERACTIONS_MODE,
    discordPublicKey: e.DISCORD_PUBLIC_KEY?.toLowerCase(),
    httpHost: e.HTTP_HOST,
    httpPort: e.HTTP_PORT ?? (e.INTERACTIONS_MODE === 'http' ? 3000 : undefined),
    metricsToken: e.METRICS_TOKEN,
    shardCount: e.SHARD_COUNT,
    shardIds: e.SHARD_IDS,
  };
}

/** Reads .env (if any) into the environment, then validates it: the one place process.env is read. */
export function loadConfig(): Config {
  loadDotenv({ quiet: true });
  return parseConfig(process.env);
}
