/**
 * The bot's HTTPS connections (Discord's REST API, the Stable Diffusion API): one undici
 * dispatcher for the whole process, whose connections per origin are kept alive and bounded, and
 * multiplexed over HTTP/2 where the server offers it.
 *
 *   const dispatcher = sharedDispatcher();          // @discordjs/rest takes it as `agent`
 *   await request(url, { dispatcher, ... });        // undici's request, as src/core/sdapi.ts calls it
 *
 * Why not undici's own Agent: it opens one connection per concurrent request (a TLS handshake
 * each: hundreds in a burst of interactions), and its HTTP/2 client (experimental in undici 6
 * and 7) sends one POST at a time per connection; with `pipelining` raised, undici 6 fails on
 * answers that come back out of order. So for an https origin:
 *  - the first connection is opened with ALPN h2 and http/1.1; requests arriving meanwhile wait
 *    for it (one handshake, not one per request);
 *  - HTTP/2 (node:http2): up to the server's concurrent-stream limit (at most H2_MAX_STREAMS) on a
 *    connection, every request its own stream, so a slow answer holds back no other; a second
 *    connection only once one is full (at most H2_SESSIONS per origin); requests beyond wait in
 *    order for a free stream;
 *  - a server without HTTP/2: undici's Pool, one request per connection at a time (never
 *    pipelined behind another), at most H1_CONNECTIONS kept alive; beyond that requests wait in
 *    order for the first connection free, never behind a particular one;
 *  - an idle HTTP/2 connection is closed after IDLE_MS (an idle bot keeps none for long);
 *  - `warm(url)` opens an origin's first connection before any request needs it.
 * Discord's acknowledgements and the API's calls are separate origins, so a slow API never holds
 * an acknowledgement back. A plain http origin (tests, a local stand-in) gets the HTTP/1.1 pool.
 * Request bodies other than a string or bytes (streams, forms) take an HTTP/1.1 connection, as do
 * upgrades and requests given a separate query object.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
  connect as h2Connect,
  constants,
} from 'node:http2';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { Agent, Dispatcher, Pool } from 'undici';

/** The most concurrent requests put on one HTTP/2 connection, whatever the server allows. */
export const H2_MAX_STREAMS = 256;
/** Before the server's SETTINGS say otherwise: the minimum a server should allow (RFC 9113, 6.5.2). */
const H2_DEFAULT_STREAMS = 100;
/** HTTP/2 connections per origin: a second one only when the first is full. */
export const H2_SESSIONS = 4;
/**
 * HTTP/1.1 connections per origin (a server without HTTP/2, or plain http): one request per
 * connection, so a burst of 300 clears against an API that takes 2.5 s needs about as many to
 * answer in time (measured: 32 connections timed out 204 of 300 clears at 2.5 s); the bound only
 * stops a runaway, and the handshakes it saves are HTTP/2's to save.
 */
export const H1_CONNECTIONS = 512;
/** An HTTP/2 connection with nothing to do for this long is closed. */
export const IDLE_MS = 120_000;
const CONNECT_TIMEOUT_MS = 10_000;

export interface PoolOptions {
  /** TLS options of every connection (tests: a CA to trust); the defaults trust the system's CAs and NODE_EXTRA_CA_CERTS. */
  tls?: ConnectionOptions;
  h1Connections?: number;
  h2Sessions?: number;
  idleMs?: number;
}

interface Waiting {
  opts: Dispatcher.DispatchOptions;
  handler: Dispatcher.DispatchHandlers;
  /** Times the server refused it unprocessed (GOAWAY, REFUSED_STREAM): sent again, up to MAX_REFUSED. */
  refused?: number;
}

/** A request the server refused without processing it is sent again this many times at most. */
const MAX_REFUSED = 3;

interface Session {
  session: ClientHttp2Session;
  streams: number;
  /** The server's SETTINGS (its stream limit) have arrived. */
  settled: boolean;
}

type Body = string | Buffer | Uint8Array | null | undefined;

/** Hop-by-hop request headers HTTP/2 forbids; node:http2 rejects them. */
const NOT_IN_H2 = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'host',
  'te',
]);

/** An https origin: HTTP/2 sessions, or an undici Pool once the server turns out to speak only HTTP/1.1. */
class HttpsOrigin extends Dispatcher {
  private readonly sessions: Session[] = [];
  private readonly waiting: Waiting[] = [];
  private connecting = false;
  private h1: Pool | undefined;
  private closed = false;
  /** TLS session tickets: a reconnection resumes instead of a full handshake. */
  private tlsSession: Buffer | undefined;

  constructor(
    private readonly origin: URL,
    private readonly options: Required<Pick<PoolOptions, 'h1Connections' | 'h2Sessions' | 'idleMs'>> &
      Pick<PoolOptions, 'tls'>,
  ) {
    super();
  }

  /** Opens a connection now if there is none, so the first requests find one ready (no request is sent). */
  warm(): void {
    if (!this.closed && !this.h1 && !this.connecting && this.sessions.length === 0) this.open();
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean {
    if (this.closed) {
      handler.onError?.(new Error('the connection pool is closed'));
      return false;
    }
    // What the HTTP/2 path does not handle (stream bodies, forms, a query object, upgrades) takes HTTP/1.1.
    if (this.h1 || !sendable(opts.body) || opts.query !== undefined || opts.upgrade || opts.method === 'CONNECT')
      return this.http1().dispatch(opts, handler);
    this.waiting.push({ opts, handler });
    this.pump();
    return true;
  }

  private http1(): Pool {
    this.h1 ??= new Pool(this.origin, {
      connections: this.options.h1Connections,
      ...(this.options.tls ? { connect: this.options.tls } : {}),
    });
    return this.h1;
  }

  /** Puts waiting requests, in order, on streams free; opens a connection when all are full. */
  private pump(): void {
    while (this.waiting.length > 0) {
      if (this.h1) {
        for (const { opts, handler } of this.waiting.splice(0)) this.h1.dispatch(opts, handler);
        return;
      }
      const room = this.sessions.find((s) => s.streams < streamLimit(s.session));
      if (!room) {
        // A connection whose server has not yet said how many streams it takes may take more: wait for that first.
        if (!this.connecting && this.sessions.every((s) => s.settled) && this.sessions.length < this.options.h2Sessions)
          this.open();
        return;
      }
      this.send(room, this.waiting.shift() as Waiting);
    }
  }

  private open(): void {
    this.connecting = true;
    let over = false;
    const failed = (error: Error) => {
      if (over) return;
      over = true;
      this.connecting = false;
      // The requests waiting for this connection would meet the same failure: they get it now.
      if (this.sessions.length === 0) for (const { handler } of this.waiting.splice(0)) handler.onError?.(error);
      this.pump();
    };
    const socket: TLSSocket = tlsConnect({
      host: this.origin.hostname,
      port: Number(this.origin.port || 443),
      servername: isIp(this.origin.hostname) ? undefined : this.origin.hostname,
      ALPNProtocols: ['h2', 'http/1.1'],
      ...(this.tlsSession ? { session: this.tlsSession } : {}),
      ...this.options.tls,
    });
    socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
      socket.destroy(
        Object.assign(new Error(`connect timeout (${CONNECT_TIMEOUT_MS} ms)`), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
      ),
    );
    socket.on('session', (ticket: Buffer) => (this.tlsSession = ticket));
    socket.on('error', failed);
    socket.once('secureConnect', () => {
      socket.setTimeout(0);
      socket.off('error', failed);
      over = true;
      if (socket.alpnProtocol !== 'h2') {
        // Only HTTP/1.1 here: undici's pool from now on (this one handshake was spent finding out).
        socket.destroy();
        this.connecting = false;
        this.http1();
        this.pump();
        return;
      }
      const session = h2Connect(this.origin, { createConnection: () => socket });
      const entry: Session = { session, streams: 0, settled: false };
      const gone = () => {
        const index = this.sessions.indexOf(entry);
        if (index !== -1) this.sessions.splice(index, 1);
        this.pump();
      };
      session.on('error', () => undefined);
      // After a GOAWAY the server takes no new streams: the next requests go to a new connection,
      // and this one closes once its streams have ended.
      session.on('goaway', () => {
        gone();
        if (!session.closed) session.close();
      });
      session.on('close', gone);
      session.setTimeout(this.options.idleMs, () => {
        if (entry.streams > 0) return;
        // Out of the list first: a request arriving meanwhile opens a new connection rather than meet a closing one.
        gone();
        session.close();
      });
      // An idle connection keeps no process alive; one with requests does (see send).
      session.unref();
      this.sessions.push(entry);
      this.connecting = false;
      // The server's SETTINGS (its stream limit) may raise what fits on this connection.
      session.once('remoteSettings', () => {
        entry.settled = true;
        this.pump();
      });
      this.pump();
    });
  }

  private send(entry: Session, waiting: Waiting): void {
    const { opts, handler } = waiting;
    const { session } = entry;
    entry.streams += 1;
    if (entry.streams === 1) session.ref();
    let stream: ClientHttp2Stream | undefined;
    let settled = false;
    let answered = false;
    const finish = () => {
      if (settled) return false;
      settled = true;
      entry.streams -= 1;
      if (entry.streams === 0) session.unref();
      queueMicrotask(() => this.pump());
      return true;
    };
    const fail = (error: Error) => {
      if (finish()) handler.onError?.(error);
      stream?.close(constants.NGHTTP2_CANCEL);
    };
    /**
     * A server going away (GOAWAY) refuses what it has not started: such a request was never
     * processed, so it is sent again on another connection (HTTP/2, RFC 9113 8.7) instead of failing.
     */
    const refusedUnprocessed = (): boolean => {
      if (answered || (waiting.refused ?? 0) >= MAX_REFUSED || !finish()) return false;
      waiting.refused = (waiting.refused ?? 0) + 1;
      const index = this.sessions.indexOf(entry);
      if (index !== -1) this.sessions.splice(index, 1);
      if (!session.closed) session.close();
      this.waiting.unshift(waiting);
      return true;
    };
    handler.onConnect?.((reason?: Error) =>
      fail(reason ?? Object.assign(new Error('Request aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' })),
    );
    if (settled) return;
    const body = opts.body as Body;
    const headers = requestHeaders(opts, body);
    try {
      stream = session.request(headers, {
        endStream: body === null || body === undefined || opts.method === 'GET' || opts.method === 'HEAD',
      });
    } catch (error) {
      // A session that has just received GOAWAY (or closed) takes no new stream: another connection does.
      if (!((session.closed || session.destroyed) && refusedUnprocessed())) fail(error as Error);
      return;
    }
    const live = stream;
    live.once('response', (answer: IncomingHttpHeaders) => {
      if (settled) return;
      answered = true;
      handler.onResponseStarted?.();
      const paused =
        handler.onHeaders?.(Number(answer[':status']), rawHeaders(answer), () => live.resume(), '') === false;
      // The body is read only from here: node:http2 emits 'response' a tick after the frame, so a
      // 'data' listener added earlier can see the body's first bytes before the headers.
      live.on('data', (chunk: Buffer) => {
        if (!settled && handler.onData?.(chunk) === false) live.pause();
      });
      if (paused) live.pause();
    });
    const unanswered = (what: string) => {
      if (settled) return;
      if (live.rstCode === constants.NGHTTP2_REFUSED_STREAM && refusedUnprocessed()) return;
      fail(Object.assign(new Error(`HTTP/2 stream ${what} (code ${live.rstCode ?? '?'})`), { code: 'UND_ERR_SOCKET' }));
    };
    live.on('end', () => {
      // A stream the server reset ends without an answer: that is a failure, not an empty answer.
      if (!answered) unanswered('ended without an answer');
      else if (finish()) handler.onComplete?.([]);
    });
    live.on('error', (error: Error) => {
      if (live.rstCode === constants.NGHTTP2_REFUSED_STREAM && refusedUnprocessed()) return;
      fail(error);
    });
    live.on('close', () => unanswered('closed before its answer ended'));
    if (body !== null && body !== undefined && opts.method !== 'GET' && opts.method !== 'HEAD') live.end(body);
  }

  // undici's Dispatcher: a promise, or a callback when one is given.
  // biome-ignore lint/suspicious/noExplicitAny: undici's overloads (promise or void) cannot be matched otherwise
  override close(callback?: () => void): any {
    this.closed = true;
    const done = Promise.all([
      ...this.sessions.map((s) => new Promise<void>((resolve) => s.session.close(() => resolve()))),
      this.h1?.close(),
    ]).then(() => undefined);
    if (callback) void done.then(callback);
    else return done;
  }

  // biome-ignore lint/suspicious/noExplicitAny: undici's overloads (promise or void) cannot be matched otherwise
  override destroy(...args: unknown[]): any {
    const callback = args.find((a): a is () => void => typeof a === 'function');
    const error = args[0] instanceof Error ? args[0] : null;
    this.closed = true;
    for (const { handler } of this.waiting.splice(0))
      handler.onError?.(error ?? new Error('the connection pool was destroyed'));
    for (const s of this.sessions.splice(0)) s.session.destroy(error ?? undefined);
    const done = Promise.resolve(this.h1?.destroy(error)).then(() => undefined);
    if (callback) void done.then(callback);
    else return done;
  }
}

function sendable(body: unknown): boolean {
  return body === null || body === undefined || typeof body === 'string' || body instanceof Uint8Array;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function streamLimit(session: ClientHttp2Session): number {
  const allowed = session.remoteSettings?.maxConcurrentStreams;
  return Math.min(H2_MAX_STREAMS, typeof allowed === 'number' && allowed > 0 ? allowed : H2_DEFAULT_STREAMS);
}

function requestHeaders(opts: Dispatcher.DispatchOptions, body: Body): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { ':method': opts.method, ':path': opts.path };
  const add = (name: string, value: string | string[] | undefined) => {
    const key = name.toLowerCase();
    if (value === undefined || NOT_IN_H2.has(key)) return;
    headers[key] = Array.isArray(value) ? value.map(String) : String(value);
  };
  const given = opts.headers as Record<string, string | string[] | undefined> | Array<string> | null | undefined;
  if (Array.isArray(given)) for (let i = 0; i + 1 < given.length; i += 2) add(given[i] as string, given[i + 1]);
  else if (given) for (const [name, value] of Object.entries(given)) add(name, value);
  if (body !== null && body !== undefined && headers['content-length'] === undefined)
    headers['content-length'] = String(Buffer.byteLength(body));
  return headers;
}

/** An answer's headers as undici hands them to its handlers: name, value, name, value (as Buffers). */
function rawHeaders(answer: IncomingHttpHeaders): Buffer[] {
  const raw: Buffer[] = [];
  for (const [name, value] of Object.entries(answer)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) raw.push(Buffer.from(name), Buffer.from(String(one)));
  }
  return raw;
}

/** An undici Agent whose https origins can be warmed: a connection opened before the first request. */
export interface ConnectionPool extends Agent {
  warm(url: string): void;
}

/** A dispatcher for any number of origins, each with the pool above. */
export function createConnectionPool(options: PoolOptions = {}): ConnectionPool {
  const settings = {
    h1Connections: options.h1Connections ?? H1_CONNECTIONS,
    h2Sessions: options.h2Sessions ?? H2_SESSIONS,
    idleMs: options.idleMs ?? IDLE_MS,
    ...(options.tls ? { tls: options.tls } : {}),
  };
  // The Agent asks for an origin's dispatcher once; one warmed before that is the one it gets.
  const https = new Map<string, HttpsOrigin>();
  const httpsOrigin = (url: URL) => {
    let origin = https.get(url.origin);
    if (!origin) {
      origin = new HttpsOrigin(new URL(url.origin), settings);
      https.set(url.origin, origin);
    }
    return origin;
  };
  const agent = new Agent({
    factory: (origin, opts) => {
      const url = new URL(String(origin));
      return url.protocol === 'https:'
        ? httpsOrigin(url)
        : new Pool(origin, { ...(opts as Pool.Options), connections: settings.h1Connections });
    },
  }) as ConnectionPool;
  agent.warm = (url) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:') httpsOrigin(parsed).warm();
  };
  return agent;
}

let shared: ConnectionPool | undefined;

/** The process's one pool: Discord's REST clients and the API client share it (one connection per origin, not one per client). */
export function sharedDispatcher(): ConnectionPool {
  shared ??= createConnectionPool();
  return shared;
}
