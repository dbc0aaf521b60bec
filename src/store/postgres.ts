/**
 * PostgreSQL through @keyv/postgres: the adapter creates keyv's table and is the store's keyv;
 * the bot's own reads, conditional writes and walks go through a pg.Pool of our own. The adapter
 * keeps one module-level pool without an error listener, and pg emits an idle client's connection
 * error on its pool (a crash when nobody listens), so that pool is left holding no idle client and
 * ours listens. A conditional write is one statement, atomic on the server across every process.
 */
import KeyvPostgres from '@keyv/postgres';
import pg from 'pg';
import { StoreTimeoutError } from '../core/errors.js';
import { driverLimit, withDeadline } from './deadline.js';
import { StoreOpenError } from './errors.js';
import { redactUrl } from './redact.js';
import { NAMESPACE, type RawBackend, keyvOver } from './store.js';

const TABLE = 'keyv';
const PAGE = 500;

export async function openPostgres(databaseUrl: string, deadlineMs: number): Promise<RawBackend> {
  const where = redactUrl(databaseUrl);
  const adapter = new KeyvPostgres({
    uri: databaseUrl,
    table: TABLE,
    iterationLimit: PAGE,
    max: 1,
    idleTimeoutMillis: 1,
  } as ConstructorParameters<typeof KeyvPostgres>[0]);
  const keyv = keyvOver(adapter);
  // The server gives up on a statement (a lock wait included) just before the store's deadline, so
  // that it fails as "nothing written"; a connection that never answers is dropped at the deadline.
  const limit = driverLimit(deadlineMs);
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: limit,
    statement_timeout: limit,
    query_timeout: deadlineMs,
  });
  // The failed client is already out of the pool; the next query reports the trouble as a store error.
  pool.on('error', () => undefined);
  const query = async (sql: string, params: unknown[] = []) =>
    (await pool.query(sql, params)).rows as Array<Record<string, unknown>>;
  try {
    await withDeadline('open', deadlineMs, async () => {
      // The adapter creates the table on its first connection; its query waits for that.
      await adapter.query(`SELECT 1 FROM ${TABLE} LIMIT 1`);
      await query('SELECT 1');
    });
  } catch (error) {
    // Not awaited: a server that never answers would hold these up too.
    void pool.end().catch(() => undefined);
    if (error instanceof StoreTimeoutError) {
      void adapter.disconnect().catch(() => undefined);
      throw new StoreOpenError(
        `DATABASE_URL: ${where} took the connection but gave no PostgreSQL answer within ${deadlineMs / 1000} s; ` +
          'check that the URL names the PostgreSQL server (host and port) and that the server is not stalled',
      );
    }
    throw new StoreOpenError(
      `DATABASE_URL: cannot open the PostgreSQL database ${where} (${(error as Error).message}); check that the server runs and the URL is right`,
    );
  }

  return {
    kind: 'postgres',
    where,
    file: undefined,
    keyv,
    rawKey: (key) => `${NAMESPACE}:${key}`,
    async get(key) {
      const rows = await query(`SELECT value FROM ${TABLE} WHERE key = $1`, [key]);
      const value = rows[0]?.value;
      return typeof value === 'string' ? value : undefined;
    },
    async compareAndSet(key, expected, next) {
      let rows: unknown[];
      if (expected === undefined && next === undefined)
        return (await query(`SELECT 1 FROM ${TABLE} WHERE key = $1`, [key])).length === 0;
      if (expected === undefined)
        rows = await query(
          `INSERT INTO ${TABLE} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING 1`,
          [key, next],
        );
      else if (next === undefined)
        rows = await query(`DELETE FROM ${TABLE} WHERE key = $1 AND value = $2 RETURNING 1`, [key, expected]);
      else
        rows = await query(`UPDATE ${TABLE} SET value = $1 WHERE key = $2 AND value = $3 RETURNING 1`, [
          next,
          key,
          expected,
        ]);
      return rows.length === 1;
    },
    async *scan(prefix) {
      // Keyset pages in key order: records written meanwhile never shift the walk.
      let after = '';
      for (;;) {
        const rows = await query(
          `SELECT key, value FROM ${TABLE} WHERE starts_with(key, $1) AND key > $2 ORDER BY key COLLATE "C" LIMIT ${PAGE}`,
          [prefix, after],
        );
        for (const row of rows)
          if (typeof row.key === 'string' && typeof row.value === 'string')
            yield [row.key, row.value] as [string, string];
        const last = rows.at(-1)?.key;
        if (rows.length < PAGE || typeof last !== 'string') return;
        after = last;
      }
    },
    async ping() {
      await query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
