/**
 * The benchmark's TLS rig (issue 18): HTTPS and WSS fronts, with a round trip's delay, in front of
 * the plain loopback stand-ins (test/support/*-standin.ts stay as they are), and what they count.
 *
 *   const ca = makeRunCa();                                   // a CA and a 127.0.0.1 certificate for this run (openssl)
 *   const rest = await startTlsFront({ target: 'http://127.0.0.1:1234', tls: ca, rttMs: 20 });
 *   rest.origin                                               // https://127.0.0.1:<port>
 *   rest.counts                                               // { tcp, tls, tlsResumed, requests, h2Requests }
 *   bot env: NODE_EXTRA_CA_CERTS=ca.caFile                    // how every bot process trusts the fronts
 *
 * What a front stands for (the round trip `rttMs`, 20 ms by default):
 *  - a new connection waits 2 x rttMs before its TLS handshake starts (the TCP handshake and the
 *    TLS 1.3 handshake, one round trip each; loopback itself takes neither);
 *  - every request waits rttMs / 2 before the stand-in sees it and rttMs / 2 after it answered
 *    (so the stand-ins' timestamps, Discord's 3 s deadline included, are "at the server");
 *  - a WebSocket's bytes take rttMs / 2 each way (the gateway front).
 * REST fronts offer HTTP/2 and HTTP/1.1 by ALPN, as Discord's (and most) HTTPS fronts do
 * (`h2: false` offers HTTP/1.1 alone), at most 256 concurrent streams per connection, idle
 * connections kept alive. The front forwards to its stand-in over kept-alive plain connections of
 * its own; it counts what reaches it: TCP connections, TLS handshakes (and of those the resumed
 * ones), requests (and of those the HTTP/2 ones).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type Http2ServerRequest, type Http2ServerResponse, createSecureServer } from 'node:http2';
import type { IncomingMessage } from 'node:http';
import { type Socket, connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { tempDir } from '../support/temp.js';

export const RTT_MS = 20;
const H2_MAX_STREAMS = 256;
const IDLE_KEEP_MS = 60_000;

/**
 * Whether `openssl` can make this rig's certificates. Tests that need them skip with one visible
 * line where it cannot (a user's machine), never under CI=true (every CI machine has it).
 */
export function tlsTestsCanRun(what: string): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    const line = `${what}: \`openssl\` is not on PATH (it makes the tests' certificates)`;
    if (process.env.CI === 'true') throw new Error(`${line}: CI=true requires it`);
    process.stdout.write(`\n  skipped: ${line}; its tests are skipped\n`);
    return false;
  }
}

export interface RunCa {
  /** The CA's certificate (PEM file): NODE_EXTRA_CA_CERTS for every bot. */
  caFile: string;
  /** The fronts' certificate (for 127.0.0.1 and localhost) and key, PEM. */
  cert: string;
  key: string;
  remove(): void;
}

/**
 * A CA made for this run and a server certificate it signs (ECDSA P-256, as Discord's front
 * serves), by the machine's openssl: Node 20 can make keys but not certificates.
 */
export function makeRunCa(): RunCa {
  const dir = tempDir('sdbot-bench-ca-');
  const f = (name: string) => join(dir.path, name);
  const openssl = (...args: string[]) => {
    try {
      execFileSync('openssl', args, { cwd: dir.path, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
      if (e.code === 'ENOENT')
        throw new Error(
          'the TLS rig needs `openssl` on PATH to make its certificates (or run the plain rig alone: BENCH_RIGS=plain npm run bench)',
        );
      throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() ?? e.message}`);
    }
  };
  const ecKey = (file: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file);
  ecKey(f('ca.key'));
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    f('ca.key'),
    '-subj',
    '/CN=sd-cache-bot bench CA',
    '-days',
    '2',
    '-out',
    f('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  ecKey(f('server.key'));
  openssl('req', '-new', '-key', f('server.key'), '-subj', '/CN=127.0.0.1', '-out', f('server.csr'));
  writeFileSync(
    f('ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    f('server.pem'),
    '-extfile',
    f('ext.cnf'),
  );
  return {
    caFile: f('ca.pem'),
    cert: readFileSync(f('server.pem'), 'utf8'),
    key: readFileSync(f('server.key'), 'utf8'),
    remove: () => dir.remove(),
  };
}

export interface NetCounts {
  tcp: number;
  tls: number;
  tlsResumed: number;
  requests: number;
  h2Requests: number;
}

export const zeroCounts = (): NetCounts => ({ tcp: 0, tls: 0, tlsResumed: 0, requests: 0, h2Requests: 0 });
export const minus = (a: NetCounts, b: NetCounts): NetCounts => ({
  tcp: a.tcp - b.tcp,
  tls: a.tls - b.tls,
  tlsResumed: a.tlsResumed - b.tlsResumed,
  requests: a.requests - b.requests,
  h2Requests: a.h2Requests - b.h2Requests,
});

export interface Front {
  /** https://127.0.0.1:<port> (wss:// for a gateway front). */
  readonly origin: string;
  readonly counts: NetCounts;
  close(): Promise<void>;
}

export interface FrontOptions {
  tls: Pick<RunCa, 'cert' | 'key'>;
  rttMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The TCP side every front shares: counts the connection, holds it for the TCP + TLS round trips, then hands it to TLS. */
async function listenDelayed(
  counts: NetCounts,
  rttMs: number,
  tlsServer: { emit(event: 'connection', socket: Socket): boolean },
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  // pauseOnConnect: nothing is read before TLS takes the socket.
  const server = createNetServer({ pauseOnConnect: true }, (socket) => {
    counts.tcp += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!socket.destroyed) tlsServer.emit('connection', socket);
    }, 2 * rttMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function countHandshakes(
  counts: NetCounts,
  server: { on(event: 'secureConnection', listener: (socket: TLSSocket) => void): unknown },
): void {
  server.on('secureConnection', (socket: TLSSocket) => {
    counts.tls += 1;
    if (socket.isSessionReused()) counts.tlsResumed += 1;
  });
}

/** Request headers a plain HTTP/1.1 hop may carry (HTTP/2 pseudo-headers and hop-by-hop ones dropped). */
function forwardable(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':') || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  return out;
}
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'proxy-connection',
  'te',
  'host',
  'content-length',
]);

/**
 * An HTTPS front (HTTP/2 and HTTP/1.1) for a plain stand-in at `target` (http://127.0.0.1:port).
 * `rewrite` may change an answer's JSON body (the gateway URL the Discord stand-in hands out).
 */
export async function startTlsFront(
  options: FrontOptions & { target: string; h2?: boolean; rewrite?: (path: string, body: unknown) => unknown },
): Promise<Front> {
  const rttMs = options.rttMs ?? RTT_MS;
  const counts = zeroCounts();
  const upstream = new Agent({ keepAliveTimeout: 30_000 });
  const target = new URL(options.target).origin;
  const handle = async (
    req: Http2ServerRequest | IncomingMessage,
    res: Http2ServerResponse | import('node:http').ServerResponse,
  ) => {
    counts.requests += 1;
    if (req.httpVersionMajor === 2) counts.h2Requests += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    await sleep(rttMs / 2);
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const answer = await request(`${target}${path}`, {
      method: method as 'GET',
      headers: forwardable(req.headers as Record<string, string | string[] | undefined>),
      body: method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks),
      dispatcher: upstream,
    });
    let body: Buffer = Buffer.from(await answer.body.arrayBuffer());
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name) && name !== 'date') headers[name] = value;
    }
    if (options.rewrite && body.length > 0 && String(answer.headers['content-type'] ?? '').includes('json')) {
      body = Buffer.from(JSON.stringify(options.rewrite(path, JSON.parse(body.toString('utf8')))));
    }
    if (body.length > 0 || answer.statusCode !== 204) headers['content-length'] = String(body.length);
    await sleep(rttMs / 2);
    if (res.destroyed) return;
    (res as import('node:http').ServerResponse).writeHead(answer.statusCode, headers);
    res.end(body);
  };
  const onRequest = (
    req: Http2ServerRequest | IncomingMessage,
    res: Http2ServerResponse | import('node:http').ServerResponse,
  ) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed)
        (res as import('node:http').ServerResponse)
          .writeHead(502, { 'content-type': 'text/plain' })
          .end(`front: ${String(error)}`);
    });
  };
  const tlsOptions = { cert: options.tls.cert, key: options.tls.key };
  const secure =
    options.h2 === false
      ? createHttpsServer({ ...tlsOptions, keepAliveTimeout: IDLE_KEEP_MS }, onRequest)
      : createSecureServer(
          { ...tlsOptions, allowHTTP1: true, settings: { maxConcurrentStreams: H2_MAX_STREAMS } },
          onRequest,
        );
  // HTTP/1.1 clients (the guide bots' fetch and @discordjs/rest) are served by the same server (allowHTTP1), kept alive.
  countHandshakes(counts, secure);
  const listener = await listenDelayed(counts, rttMs, secure);
  return {
    origin: `https://127.0.0.1:${listener.port}`,
    counts,
    async close() {
      await listener.close();
      secure.close();
      await upstream.destroy().catch(() => undefined);
    },
  };
}

/** A WSS front for the Discord stand-in's gateway (a plain ws:// server): bytes piped both ways, rttMs / 2 late. */
export async function startWssFront(options: FrontOptions & { target: string }): Promise<Front> {
  const rttMs = options.rttMs ?? RTT_MS;
  const counts = zeroCounts();
  const { hostname, port } = new URL(options.target);
  const pipes = new Set<Duplex>();
  const secure = createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, (_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only');
  });
  countHandshakes(counts, secure);
  secure.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    counts.requests += 1;
    const server = netConnect({ host: hostname, port: Number(port) });
    pipes.add(client).add(server);
    const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    const late = (from: Duplex, to: Duplex) => {
      from.on('data', (chunk: Buffer) => setTimeout(() => to.writable && to.write(chunk), rttMs / 2));
      from.on('close', () => setTimeout(() => to.destroy(), rttMs / 2));
      from.on('error', () => undefined);
    };
    setTimeout(() => {
      server.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) server.write(head);
    }, rttMs / 2);
    late(client, server);
    late(server, client);
    for (const s of [client, server]) s.on('close', () => pipes.delete(s));
  });
  const listener = await listenDelayed(counts, rttMs, secure);
  return {
    origin: `wss://127.0.0.1:${listener.port}`,
    counts,
    async close() {
      for (const p of pipes) p.destroy();
      await listener.close();
      secure.close();
    },
  };
}
