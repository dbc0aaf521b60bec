/**
 * The bot's HTTP server (node:http): `POST /interactions` in http mode, `GET /livez` and
 * `GET /readyz` always, and whatever else the app mounts (metrics). Bounded against slow or greedy
 * clients: header and whole-request deadlines, a body limit answered with 413 before reading, and
 * a cap on the body bytes held at once across all requests. Anything else is a 404.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../logger.js';

export const MAX_BODY_BYTES = 1024 * 1024;
/** All request bodies held in memory at once; past it new requests get 503 rather than more memory. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included: a client sending a byte at a time is cut off here. */
const REQUEST_TIMEOUT_MS = 15_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  host: string;
  port: number;
  log: Logger;
  /** 200 from /readyz when this resolves true (the store answers, the bot takes work). */
  ready(): Promise<boolean>;
  /** Exact `METHOD /path` routes beyond /livez and /readyz. */
  routes: Record<string, Handler>;
}

export interface HttpServer {
  /** Starts listening; resolves with the port (useful when 0 was asked for). */
  listen(): Promise<number>;
  /** Stops taking work: /readyz answers 503, new interactions are refused; requests in hand go on. */
  drain(): void;
  /** Whether drain() was called: handlers refuse new work then. */
  readonly draining: boolean;
  /** Closes every connection that is left. */
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

let buffered = 0;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 503 | 400 };

/** Reads a request body within MAX_BODY_BYTES (and the shared budget); never more. */
export function readBody(req: IncomingMessage): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && !/^\d+$/.test(declared)) return Promise.resolve({ ok: false, status: 400 });
  const length = declared === undefined ? undefined : Number(declared);
  if (length !== undefined && length > MAX_BODY_BYTES) return Promise.resolve({ ok: false, status: 413 });
  const reserved = length ?? MAX_BODY_BYTES;
  if (buffered + reserved > MAX_BUFFERED_BYTES) return Promise.resolve({ ok: false, status: 503 });
  buffered += reserved;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      buffered -= reserved;
      req.removeAllListeners('data');
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return finish({ ok: false, status: 413 });
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.on('error', () => finish({ ok: false, status: 400 }));
    req.on('close', () => finish({ ok: false, status: 400 }));
  });
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  let draining = false;
  const sockets = new Set<Socket>();
  const routes: Record<string, Handler> = {
    'GET /livez': (_req, res) => sendJson(res, 200, { status: 'live' }),
    'GET /readyz': async (_req, res) => {
      const ok = !draining && (await options.ready().catch(() => false));
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : draining ? 'draining' : 'not ready' });
    },
    ...options.routes,
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[`${req.method} ${path}`];
    if (draining) res.setHeader('connection', 'close');
    if (!route) {
      // Drain whatever body came with it, so the connection stays usable for the next request.
      req.resume();
      return sendJson(res, 404, { error: 'not found' });
    }
    Promise.resolve(route(req, res)).catch((err: unknown) => {
      options.log.error({ err, path }, 'HTTP handler failed');
      sendJson(res, 500, { error: 'internal error' });
    });
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.maxHeadersCount = 100;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  return {
    get draining() {
      return draining;
    },
    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve((server.address() as AddressInfo).port);
        });
      });
    },
    drain() {
      // Still listening, so that a load balancer's probe reads 503 and routes elsewhere; each
      // answer from now on closes its connection (closing idle ones here would race a request
      // already on its way over one).
      draining = true;
    },
    async close() {
      draining = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
