/**
 * The server's limits against idle, slow and greedy clients, with small limits so that each case
 * takes a few connections: bytes reserved as they arrive (not as announced), the longest-waiting
 * client cut to make room for a genuine one, refusals only when nothing can be cut, and then
 * readiness saying so. (test/e2e/http-limits.test.ts runs the same through the built bot.)
 */
import { connect, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { type HttpLimits, type LimitReason, createConnectionGuard, DEFAULT_LIMITS } from '../../src/http/guard.js';
import { type Handler, type HttpServer, createHttpServer, sendJson } from '../../src/http/server.js';
import { SecretSet, createLogger } from '../../src/logger.js';

let server: HttpServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
});

interface Started {
  port: number;
  shed: LimitReason[];
  refused: LimitReason[];
  warnings: string[];
}

async function start(limits: Partial<HttpLimits>, routes: Record<string, Handler> = {}): Promise<Started> {
  const warnings: string[] = [];
  const log = createLogger({
    level: 'warn',
    format: 'json',
    secrets: new SecretSet(),
    destination: { write: (line: string) => void warnings.push(line) },
  });
  const shed: LimitReason[] = [];
  const refused: LimitReason[] = [];
  const echo: Handler = async (_req, res, ctx) => {
    const read = await ctx.readBody();
    if (!read.ok) res.setHeader('connection', 'close');
    sendJson(res, read.ok ? 200 : read.status, read.ok ? { bytes: read.body.length } : { error: read.status });
  };
  server = createHttpServer({
    host: '127.0.0.1',
    port: 0,
    log,
    ready: async () => true,
    routes: { 'POST /echo': echo, ...routes },
    events: { shed: (r) => shed.push(r), refused: (r) => refused.push(r) },
    limits,
  });
  return { port: await server.listen(), shed, refused, warnings };
}

/** A raw connection that has sent `text`; resolves once connected. */
function open(port: number, text = ''): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      if (text) socket.write(text);
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
    socket.resume();
    sockets.push(socket);
  });
}
const head = (length: number) => `POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: ${length}\r\n\r\n`;
const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
/** Waits until the server has seen `count` connections (its own count, not a guess). */
async function connections(count: number): Promise<void> {
  while (server!.stats().connections < count) await new Promise((r) => setImmediate(r));
}
const post = (port: number, body: string) =>
  fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body }).then(async (r) => [r.status, await r.json()]);

it('a body announced but not sent holds no bytes: twenty such requests leave room for a genuine one', async () => {
  const { port, refused } = await start({
    maxBufferedBytes: 1000,
    maxBufferedBytesPerAddress: 1000,
    maxBodyBytes: 900,
  });
  await Promise.all(Array.from({ length: 20 }, () => open(port, head(900))));
  await connections(20);
  expect(await post(port, 'x'.repeat(300))).toEqual([200, { bytes: 300 }]);
  expect(refused).toEqual([]);
});

it('past the per-address connection cap the longest-waiting connection is cut, and a genuine request gets in', async () => {
  const { port, shed, warnings } = await start({ maxConnectionsPerAddress: 5, maxConnections: 8 });
  const idle = await Promise.all(Array.from({ length: 5 }, () => open(port, head(100))));
  await connections(5);
  const first = closed(idle[0]!);
  expect(await post(port, 'hello')).toEqual([200, { bytes: 5 }]);
  await first; // the oldest went, not a random one
  expect(shed).toContain('address-connections');
  expect(server!.stats().connections).toBeLessThanOrEqual(5);
  // One warn line for the lot, naming the reason and the address.
  await Promise.all(Array.from({ length: 5 }, () => open(port)));
  expect(warnings.filter((l) => /cut to keep/.test(l))).toHaveLength(1);
  expect(warnings[0]).toContain('127.0.0.1');
});

it('slow bodies holding the per-address byte budget are cut, the longest-waiting first, for a body that arrives at once', async () => {
  const { port, shed, refused } = await start({
    maxBufferedBytesPerAddress: 1000,
    maxBufferedBytes: 4000,
    maxBodyBytes: 900,
  });
  const slow = [];
  for (let i = 0; i < 2; i += 1) {
    const socket = await open(port, head(900) + 'y'.repeat(450));
    slow.push(socket);
  }
  while (server!.stats().bufferedBytes < 900) await new Promise((r) => setImmediate(r));
  expect(await post(port, 'x'.repeat(300))).toEqual([200, { bytes: 300 }]);
  await closed(slow[0]!);
  expect(slow[1]!.destroyed).toBe(false);
  expect(shed).toEqual(['address-body-bytes']);
  expect(refused).toEqual([]);
  expect(server!.stats().bufferedBytes).toBe(450);
});

it('a slow body that has waited longest is itself the one cut (503) when a quicker one holds the room; nothing is refused', async () => {
  const { port, shed, refused } = await start({
    maxBufferedBytesPerAddress: 1000,
    maxBufferedBytes: 4000,
    maxBodyBytes: 900,
  });
  const oldest = await open(port, head(900));
  let answer = '';
  oldest.on('data', (d: Buffer) => (answer += d.toString()));
  await connections(1);
  await new Promise((r) => setTimeout(r, 5)); // the next request begins strictly later
  await open(port, head(900) + 'y'.repeat(800));
  while (server!.stats().bufferedBytes < 800) await new Promise((r) => setImmediate(r));
  oldest.write('z'.repeat(500));
  await closed(oldest);
  expect(answer).toMatch(/^HTTP\/1\.1 503 /);
  expect(shed).toEqual(['address-body-bytes']);
  expect(refused).toEqual([]);
});

it('when nothing can be cut (every connection is work in hand) a newcomer is refused, counted, and /readyz says 503', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let inHand = 0;
  const { port, refused, warnings } = await start(
    { maxConnections: 2, maxConnectionsPerAddress: 10 },
    {
      'POST /slow': async (_req, res, ctx) => {
        await ctx.readBody();
        inHand += 1;
        await gate;
        sendJson(res, 200, {});
      },
    },
  );
  const working = [0, 1].map(() => fetch(`http://127.0.0.1:${port}/slow`, { method: 'POST', body: 'x' }));
  while (inHand < 2) await new Promise((r) => setImmediate(r));
  let answer = '';
  while (refused.length === 0) {
    const late = await open(port);
    late.on('data', (d: Buffer) => (answer += d.toString()));
    await closed(late);
  }
  expect(answer).toMatch(/^HTTP\/1\.1 503 /);
  expect(refused[0]).toBe('connections');
  expect(warnings.some((l) => /refused/.test(l))).toBe(true);
  release();
  expect((await Promise.all(working)).map((r) => r.status)).toEqual([200, 200]);
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  expect([ready.status, await ready.json()]).toEqual([503, { status: 'overloaded' }]);
});

it('a client past its deadline gets 408 and is closed within a second, also when it never closes its side', async () => {
  const { port, shed } = await start({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
  const socket = await new Promise<Socket>((resolve) => {
    // allowHalfOpen: the peer keeps its side open after the server's end, as a slowloris client would.
    const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(s));
    s.on('error', () => undefined);
    sockets.push(s);
  });
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  const ended = new Promise((resolve) => socket.once('end', resolve));
  socket.resume();
  socket.write('POST /echo HTTP/1.1\r\nhost: x\r\n');
  await ended;
  expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  expect(shed).toEqual(['timeout']);
  // The server's side is gone, not merely ended: what the peer sends now is reset, and the socket closes.
  const gone = closed(socket);
  const poke = setInterval(() => socket.writable && socket.write('x'), 50);
  await gone.finally(() => clearInterval(poke));
  while (server!.stats().connections > 0) await new Promise((r) => setImmediate(r));
});

it('headers past the size Node takes get 431, and the connection closes', async () => {
  const { port } = await start({});
  const socket = await open(port);
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  socket.write(`GET /livez HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
  await closed(socket);
  expect(answer).toMatch(/^HTTP\/1\.1 431 /);
});

it('one connection carries at most maxRequestsPerConnection requests; the last answer says close', async () => {
  const { port } = await start({ maxRequestsPerConnection: 2 });
  const socket = await open(port);
  let answer = '';
  const statuses = () => [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
  const third = new Promise<void>((resolve) =>
    socket.on('data', (d: Buffer) => {
      answer += d.toString();
      if (statuses().length === 3) resolve();
    }),
  );
  socket.write('GET /livez HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(3));
  await third;
  expect(statuses()).toEqual(['200', '200', '503']);
  expect(answer.split('HTTP/1.1 ')[2]).toMatch(/connection: close/i);
});

it('an unknown path gets 404 and the connection closes', async () => {
  const { port } = await start({});
  const socket = await open(port, 'GET /nope HTTP/1.1\r\nhost: x\r\n\r\n');
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  await closed(socket);
  expect(answer).toMatch(/^HTTP\/1\.1 404 [\s\S]*connection: close/i);
});

it('a refused connection leaves nothing behind in the per-address table', () => {
  const events = { shed: () => undefined, refused: () => undefined };
  const guard = createConnectionGuard({ ...DEFAULT_LIMITS, maxConnections: 1 }, events);
  /** Just what the guard uses of a socket: its address, close, end and destroy. */
  const fakeSocket = (remoteAddress: string) =>
    Object.assign(new EventEmitter(), { remoteAddress, writable: true, end() {}, destroy() {} }) as unknown as Socket;
  const holder = fakeSocket('10.0.0.1');
  guard.admit(holder);
  guard.requestBegun(holder, false); // work in hand: never shed
  for (let i = 0; i < 100; i++) guard.admit(fakeSocket(`2001:db8::${i.toString(16)}`));
  expect(guard.stats()).toMatchObject({ connections: 1, addresses: 1 });
  holder.emit('close');
  expect(guard.stats()).toMatchObject({ connections: 0, addresses: 0 });
});
