/** `GET /metrics`: the Prometheus scrape, behind a bearer token when METRICS_TOKEN is set. */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { sendJson } from './server.js';

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  // Compared in constant time, so the answer's timing says nothing about how much of it was right.
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export function metricsHandler(registry: Registry, token: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, { error: 'a bearer token is required (METRICS_TOKEN)' });
    }
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) }).end(text);
  };
}
