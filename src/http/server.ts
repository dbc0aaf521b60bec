/**
 * The bot's HTTP server (node:http): `POST /interactions` in http mode, `GET /livez` and
 * `GET /readyz` always, and whatever else the app mounts (metrics). Bounded against slow, idle or
 * greedy clients (guard.ts): header and whole-request deadlines that hold to within a second, a
 * body limit answered with 413 before reading, body bytes reserved as they arrive, and caps on
 * connections and bytes in total and per address. Anything else is a 404.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.js';
import { throttledWarn } from './throttle.js';
import {
  type ConnectionGuard,
  DEFAULT_LIMITS,
  closeWith,
  type HttpLimits,
  type LimitReason,
  createConnectionGuard,
} from './guard.js';

/** How often Node looks for requests past their deadline (its default, 30 s, let them run to 45 s). */
const DEADLINE_CHECK_MS = 250;
/** After refusing genuine work for lack of room, /readyz answers 503 this long. */
const OVERLOADED_FOR_MS = 10_000;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 503 | 400 };

export interface RequestContext {
  /** Reads the request body within the limits; never more. */
  readBody(): Promise<BodyResult>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => void | Promise<void>;

export interface HttpServerEvents {
  /** A client was cut to keep the limits (timeout, too many connections or bytes). */
  shed?(reason: LimitReason): void;
  /** A client was turned away because nothing could be cut (the server is full of work in hand). */
  refused?(reason: LimitReason): void;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  log: Logger;
  /** 200 from /readyz when this resolves true (the store answers, the bot takes work). */
  ready(): Promise<boolean>;
  /** Exact `METHOD /path` routes beyond /livez and /readyz. */
  routes: Record<string, Handler>;
  events?: HttpServerEvents;
  /** For tests: smaller limits and shorter deadlines. */
  limits?: Partial<HttpLimits>;
}

export interface HttpServer {
  /** Starts listening; resolves with the port (useful when 0 was asked for). */
  listen(): Promise<number>;
  /** Stops taking work: /readyz answers 503, new interactions are refused; requests in hand go on. */
  drain(): void;
  /** Whether drain() was called: handlers refuse new work then. */
  readonly draining: boolean;
  /** Open connections, body bytes held and remote addresses connected, for the metrics. */
  stats(): ReturnType<ConnectionGuard['stats']>;
  /** Closes every connection that is left. */
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Reads a request body within maxBodyBytes, taking each chunk from the guard's budget as it arrives. */
function readBody(req: IncomingMessage, guard: ConnectionGuard, maxBodyBytes: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && !/^\d+$/.test(declared)) return Promise.resolve({ ok: false, status: 400 });
  if (declared !== undefined && Number(declared) > maxBodyBytes) return Promise.resolve({ ok: false, status: 413 });
  const { socket } = req;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) return;
      done = true;
      guard.release(socket, size);
      req.removeAllListeners('data');
      if (result.ok) guard.working(socket);
      else req.pause();
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      if (size + chunk.length > maxBodyBytes) return finish({ ok: false, status: 413 });
      if (!guard.reserve(socket, chunk.length)) return finish({ ok: false, status: 503 });
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    req.on('error', () => finish({ ok: false, status: 400 }));
    req.on('close', () => finish({ ok: false, status: 400 }));
  });
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  let draining = false;
  let refusedAt = -Infinity;
  const warnShed = throttledWarn(
    options.log,
    "HTTP clients cut to keep the server's limits (past a deadline, or the longest-waiting when room ran short); counts since the last such line",
  );
  const warnRefused = throttledWarn(
    options.log,
    'HTTP requests refused: the server is full of work in hand (connections or body bytes); counts since the last such line',
  );
  const guard = createConnectionGuard(limits, {
    shed(reason, address) {
      options.events?.shed?.(reason);
      warnShed(reason, address);
    },
    refused(reason, address) {
      refusedAt = performance.now();
      options.events?.refused?.(reason);
      warnRefused(reason, address);
    },
  });
  const overloaded = () => performance.now() - refusedAt < OVERLOADED_FOR_MS;
  const routes: Record<string, Handler> = {
    'GET /livez': (_req, res) => sendJson(res, 200, { status: 'live' }),
    'GET /readyz': async (_req, res) => {
      const ok = !draining && !overloaded() && (await options.ready().catch(() => false));
      sendJson(res, ok ? 200 : 503, {
        status: ok ? 'ready' : draining ? 'draining' : overloaded() ? 'overloaded' : 'not ready',
      });
    },
    ...options.routes,
  };

  const server: Server = createServer({ connectionsCheckingInterval: DEADLINE_CHECK_MS }, (req, res) => {
    const { socket } = req;
    const length = req.headers['content-length'];
    guard.requestBegun(
      socket,
      (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined,
    );
    res.once('finish', () => guard.answered(socket));
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[`${req.method} ${path}`];
    if (draining) res.setHeader('connection', 'close');
    if (!route) {
      // Nothing asks for an unknown path twice: the connection closes (its body drained meanwhile).
      req.resume();
      res.setHeader('connection', 'close');
      return sendJson(res, 404, { error: 'not found' });
    }
    const ctx: RequestContext = { readBody: () => readBody(req, guard, limits.maxBodyBytes) };
    Promise.resolve(route(req, res, ctx)).catch((err: unknown) => {
      options.log.error({ err, path }, 'HTTP handler failed');
      sendJson(res, 500, { error: 'internal error' });
    });
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxHeadersCount = 100;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    guard.admit(socket);
  });
  server.maxRequestsPerSocket = limits.maxRequestsPerConnection;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timedOut) guard.timedOut(socket);
    const status = timedOut
      ? '408 Request Timeout'
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : '400 Bad Request';
    // The answer, then the socket gone within a second: a peer that never closes its side holds nothing.
    closeWith(socket, `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });

  return {
    get draining() {
      return draining;
    },
    stats: () => guard.stats(),
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
