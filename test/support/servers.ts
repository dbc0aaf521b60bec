/**
 * The PostgreSQL and Redis servers the tests use (TEST_POSTGRES_URL, TEST_REDIS_URL; by default the
 * ones every development and CI machine runs on loopback). Where one cannot be reached its tests
 * are skipped with one visible line, except under CI=true, where that fails the run.
 *
 *   const pg = await postgresDatabase();     // undefined when skipped; else a fresh database
 *   pg.url ... await pg.drop();
 *   const redis = await redisDatabase();     // a logical database of its own, flushed
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';
import pg from 'pg';
import { type Store, openStore } from '../../src/store/index.js';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CI = process.env.CI === 'true';

function unreachable(what: string, url: string, error: unknown): undefined {
  const line = `${what} at ${url} cannot be reached (${(error as Error).message})`;
  if (CI) throw new Error(`${line}: CI=true requires it`);
  process.stdout.write(`\n  skipped: ${line}; its tests are skipped\n`);
  return undefined;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of its own on the test PostgreSQL server, dropped by drop(). */
export async function postgresDatabase(): Promise<TestDatabase | undefined> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (error) {
    return unreachable('PostgreSQL', TEST_POSTGRES_URL, error);
  }
  const name = `sdbot_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}

/** Runs SQL on a test database (as another process would). */
export async function postgresQuery(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

/** A logical Redis database no other test file uses at the same time, empty, flushed again by drop(). */
export async function redisDatabase(): Promise<TestDatabase | undefined> {
  const admin = createClient({ url: TEST_REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch (error) {
    return unreachable('Redis', TEST_REDIS_URL, error);
  }
  // Databases 1-15, handed out in turn through a counter in database 0.
  const index = 1 + ((await admin.incr('sdbot-test:next-database')) % 15);
  await admin.close();
  const url = new URL(TEST_REDIS_URL);
  url.pathname = `/${index}`;
  const flush = async () => {
    const client = createClient({ url: url.toString() });
    client.on('error', () => undefined);
    await client.connect();
    await client.flushDb();
    await client.close();
  };
  await flush();
  return { url: url.toString(), drop: flush };
}

/** Runs one Redis command on a test database (as another process would). */
export async function redisCommand(url: string, args: string[]): Promise<unknown> {
  const client = createClient({ url });
  // A lost connection fails the command below; without a listener it would also be thrown as uncaught.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    await client.close();
  }
}

/**
 * Opens a store with a short call deadline for a test's set-up, trying again when the opening
 * itself misses that deadline: on a busy machine it can, and the opening is not what such a test
 * is about (its calls, made later, are).
 */
export async function openStoreForStallTest(url: string, deadlineMs: number, attempts = 10): Promise<Store> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openStore(url, { deadlineMs });
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}
