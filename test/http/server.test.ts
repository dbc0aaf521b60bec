import { afterEach, expect, it } from 'vitest';
import { type HttpServer, createHttpServer } from '../../src/http/server.js';
import { SecretSet, createLogger } from '../../src/logger.js';

let server: HttpServer | undefined;
afterEach(() => server?.close());

it('/readyz is 503 until the bot takes work, 200 while it does and its store answers, 503 once it drains; /livez is always 200', async () => {
  let ready = false;
  const log = createLogger({
    level: 'silent',
    format: 'json',
    secrets: new SecretSet(),
    destination: { write: () => undefined },
  });
  server = createHttpServer({ host: '127.0.0.1', port: 0, log, ready: async () => ready, routes: {} });
  const base = `http://127.0.0.1:${await server.listen()}`;
  const status = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return [res.status, ((await res.json()) as { status?: string }).status];
  };
  expect(await status('/readyz')).toEqual([503, 'not ready']);
  expect(await status('/livez')).toEqual([200, 'live']);
  ready = true;
  expect(await status('/readyz')).toEqual([200, 'ready']);
  server.drain();
  expect(await status('/readyz')).toEqual([503, 'draining']);
  expect(await status('/livez')).toEqual([200, 'live']);
  expect((await fetch(`${base}/anything`)).status).toBe(404);
});
