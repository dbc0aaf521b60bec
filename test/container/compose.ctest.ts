/**
 * compose.yaml, read as Compose reads it (YAML through PyYAML: podman-compose 1.0 on Debian 12 has
 * no `config` command to do it): the bot with its named volume, env_file and restart policy, no
 * published port by default (gateway mode needs none), every variable it sets one that
 * src/config.ts knows and accepts, and a `postgres` profile with its own volume and health check.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { ROOT } from '../support/bot-env.js';

interface Service {
  build?: string;
  image?: string;
  env_file?: string | string[];
  environment?: Record<string, string> | string[];
  volumes?: string[];
  restart?: string;
  ports?: unknown[];
  profiles?: string[];
  healthcheck?: { test: string[] | string };
  stop_grace_period?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = JSON.parse(
  execFileSync(
    'python3',
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)', `${ROOT}compose.yaml`],
    { encoding: 'utf8' },
  ),
) as ComposeFile;

/** The variables src/config.ts reads: the keys of its schema. */
const configSource = readFileSync(`${ROOT}src/config.ts`, 'utf8');
const schemaBody = configSource.slice(
  configSource.indexOf('const schema = z.object({'),
  configSource.indexOf('\n});', configSource.indexOf('const schema = z.object({')),
);
const KNOWN = new Set([...schemaBody.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));

/** A value as Compose interpolates it when the variable is unset: `${NAME:-default}` gives default. */
const interpolateUnset = (value: string) => value.replace(/\$\{[A-Z0-9_]+:?-([^}]*)\}/g, '$1');

const environment = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(s.environment.map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string]))
    : { ...s.environment };

describe('compose.yaml', () => {
  const bot = compose.services.bot!;

  it('knows the variables of src/config.ts (the schema was found)', () => {
    expect(KNOWN.size).toBeGreaterThan(10);
    for (const name of ['DISCORD_TOKEN', 'DATABASE_URL', 'ENCRYPTION_KEY', 'HTTP_PORT', 'INTERACTIONS_MODE'])
      expect(KNOWN).toContain(name);
  });

  it('runs the bot from this Dockerfile with .env, a named volume on /app/data, restarting unless stopped', () => {
    expect(bot.build).toBe('.');
    expect([bot.env_file].flat()).toEqual(['.env']);
    expect(bot.volumes).toContain('bot-data:/app/data');
    expect(Object.keys(compose.volumes ?? {})).toContain('bot-data');
    expect(bot.restart).toBe('unless-stopped');
    expect(bot.profiles ?? []).toEqual([]);
  });

  it('publishes no port by default: gateway mode needs none (http mode uncomments one, on 127.0.0.1)', () => {
    expect(bot.ports).toBeUndefined();
    expect(readFileSync(`${ROOT}compose.yaml`, 'utf8')).toMatch(/^ {4}# ports:\n {4}# {3}- 127\.0\.0\.1:3000:3000$/m);
  });

  it('sets only variables src/config.ts knows, with values it accepts', () => {
    const env = environment(bot);
    expect(Object.keys(env).length).toBeGreaterThan(0);
    for (const name of Object.keys(env))
      expect(KNOWN, `compose.yaml sets ${name}, which src/config.ts does not read`).toContain(name);
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolateUnset(String(v))]));
    const config = parseConfig({ DISCORD_TOKEN: 'token', ...resolved });
    expect(config.httpPort).toBe(3000); // so the image's health check finds /livez in gateway mode
  });

  it('has a postgres profile: PostgreSQL with its own volume and a health check, and the DATABASE_URL it documents is one the bot accepts (with ENCRYPTION_KEY)', () => {
    const pg = compose.services.postgres!;
    expect(pg.profiles).toEqual(['postgres']);
    expect(pg.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(Object.keys(compose.volumes ?? {})).toContain('postgres-data');
    expect([pg.healthcheck?.test].flat().join(' ')).toContain('pg_isready');
    const pgEnv = environment(pg);
    const documented = readFileSync(`${ROOT}compose.yaml`, 'utf8').match(/DATABASE_URL=(postgres:\/\/\S+)/)?.[1];
    expect(documented).toBe(`postgres://${pgEnv.POSTGRES_USER}:<password>@postgres:5432/${pgEnv.POSTGRES_DB}`);
    const url = documented!.replace('<password>', 'pw');
    expect(() => parseConfig({ DISCORD_TOKEN: 'token', DATABASE_URL: url })).toThrow(/ENCRYPTION_KEY/);
    expect(
      parseConfig({ DISCORD_TOKEN: 'token', DATABASE_URL: url, ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') })
        .databaseUrl,
    ).toBe(url);
  });
});
