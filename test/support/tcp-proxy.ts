/**
 * Store outages made on loopback: a TCP proxy in front of the real PostgreSQL or Redis that can be
 * told to black-hole (connections stay open, nothing passes either way, like a frozen server or a
 * dropping firewall) and to resume (what was held back then flows, as TCP would deliver it), and a
 * listener that takes connections and never says a word (a URL pointing at the wrong service).
 *
 *   const proxy = await tcpProxy(TEST_REDIS_URL);   // proxy.url: the same URL through the proxy
 *   proxy.blackHole(); ... proxy.resume(); await proxy.close();
 *   proxy.blackHoleWhen((sent) => sent.includes('SCAN'));   // from the first matching client bytes on
 *   const silent = await silentListener();          // silent.port, silent.accepted(), silent.close()
 */
import { type Server, type Socket, connect, createServer } from 'node:net';

export interface TcpProxy {
  /** `upstreamUrl` with its host and port replaced by the proxy's. */
  url: string;
  port: number;
  /** Connections taken so far. */
  accepted(): number;
  blackHole(): void;
  /** Black-holes as soon as a client sends bytes that match (those bytes held back too). */
  blackHoleWhen(match: (sent: string) => boolean): void;
  resume(): void;
  close(): Promise<void>;
}

const listening = (server: Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

const closing = (server: Server, sockets: Set<Socket>) =>
  new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });

export async function tcpProxy(upstreamUrl: string): Promise<TcpProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  let held = false;
  let accepted = 0;
  let trigger: ((sent: string) => boolean) | undefined;
  /** Bytes taken in the moment the black hole began: delivered first on resume. */
  const heldBack: Array<() => void> = [];
  const blackHole = () => {
    // Not reading either side: the bytes wait in the kernel, and nothing reaches the other end.
    held = true;
    for (const socket of sockets) socket.pause();
  };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (held) socket.pause();
  };
  const server = createServer((client) => {
    accepted += 1;
    track(client);
    const server = connect(Number(upstream.port), upstream.hostname);
    track(server);
    // By hand rather than pipe(): pipe resumes a paused source on its own when the other side drains.
    client.on('data', (chunk: Buffer) => {
      if (trigger?.(chunk.toString('latin1'))) {
        trigger = undefined;
        blackHole();
        heldBack.push(() => server.write(chunk));
        return;
      }
      server.write(chunk);
    });
    server.on('data', (chunk) => client.write(chunk));
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
  });
  const port = await listening(server);
  const url = new URL(upstreamUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    port,
    accepted: () => accepted,
    blackHole,
    blackHoleWhen(match) {
      trigger = match;
    },
    resume() {
      held = false;
      for (const deliver of heldBack.splice(0)) deliver();
      for (const socket of sockets) socket.resume();
    },
    close: () => closing(server, sockets),
  };
}

export interface SilentListener {
  port: number;
  accepted(): number;
  close(): Promise<void>;
}

/** Takes every connection and never answers. */
export async function silentListener(): Promise<SilentListener> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume();
  });
  const port = await listening(server);
  let accepted = 0;
  server.on('connection', () => (accepted += 1));
  return { port, accepted: () => accepted, close: () => closing(server, sockets) };
}
