/**
 * Redis through @keyv/redis, on a client made with its re-exported createClient: one connection
 * for keyv and for the bot's own commands. Commands fail at once while the server is unreachable
 * (no offline queue, so an interaction gets its error embed instead of waiting), the client
 * reconnects by itself, and the adapter's throwOnErrors is set so that a Redis error is never read
 * as "no key set". A conditional write is one Lua script, atomic on the server.
 */
import KeyvRedis, { createClient } from '@keyv/redis';
import { StoreTimeoutError } from '../core/errors.js';
import { withDeadline } from './deadline.js';
import { StoreOpenError } from './errors.js';
import { redactUrl } from './redact.js';
import { NAMESPACE, type RawBackend, keyvOver } from './store.js';

/** Sets (or deletes) KEYS[1] only if it still holds ARGV[2] (ARGV[1] = '0': only if absent). */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4]) end
return 1`;

/** The adapter's own separator between namespace and key. */
const SEPARATOR = '::';

export async function openRedis(databaseUrl: string, deadlineMs: number): Promise<RawBackend> {
  const where = redactUrl(databaseUrl);
  let started = false;
  const client = createClient({
    url: databaseUrl,
    disableOfflineQueue: true,
    // Not reachable at start: fail the start plainly. Lost later: reconnect, backing off to 2 s.
    socket: {
      connectTimeout: deadlineMs,
      reconnectStrategy: (attempts: number) => (started ? Math.min(100 * 2 ** attempts, 2000) : false),
    },
  });
  // Connection trouble is reported by the commands that fail meanwhile; the client reconnects itself.
  client.on('error', () => undefined);
  try {
    // The connect timeout covers TCP alone; a server that takes the connection and never answers is the deadline's.
    await withDeadline('open', deadlineMs, async () => {
      await client.connect();
      await client.ping();
    });
    started = true;
  } catch (error) {
    if (client.isOpen) client.destroy();
    if (error instanceof StoreTimeoutError) {
      throw new StoreOpenError(
        `DATABASE_URL: ${where} took the connection but gave no Redis answer within ${deadlineMs / 1000} s; ` +
          'check that the URL names the Redis server (host, port and database) and that the server is not stalled',
      );
    }
    throw new StoreOpenError(
      `DATABASE_URL: cannot reach the Redis server ${where} (${(error as Error).message}); check that it runs and the URL is right`,
    );
  }
  const adapter = new KeyvRedis(client as never, {
    namespace: NAMESPACE,
    keyPrefixSeparator: SEPARATOR,
    throwOnErrors: true,
    throwOnConnectError: true,
  });
  const keyv = keyvOver(adapter, { useKeyPrefix: false });

  return {
    kind: 'redis',
    where,
    file: undefined,
    keyv,
    rawKey: (key) => `${NAMESPACE}${SEPARATOR}${key}`,
    async get(key) {
      return (await client.get(key)) ?? undefined;
    },
    async compareAndSet(key, expected, next) {
      const args = [expected === undefined ? '0' : '1', expected ?? '', next === undefined ? '0' : '1', next ?? ''];
      return (await client.eval(COMPARE_AND_SET, { keys: [key], arguments: args })) === 1;
    },
    async *scan(prefix) {
      let cursor = '0';
      do {
        const page = await client.scan(cursor, {
          MATCH: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
          COUNT: 500,
          TYPE: 'string',
        });
        cursor = String(page.cursor);
        if (page.keys.length === 0) continue;
        const values = await client.mGet(page.keys);
        for (const [i, key] of page.keys.entries()) {
          const value = values[i];
          if (typeof value === 'string') yield [key, value] as [string, string];
        }
      } while (cursor !== '0');
    },
    async ping() {
      await client.ping();
    },
    async close() {
      // A graceful close waits for every reply still due; a server that stopped answering gets cut.
      try {
        await withDeadline('close', deadlineMs, () => client.close());
      } finally {
        if (client.isOpen) client.destroy();
      }
    },
  };
}
