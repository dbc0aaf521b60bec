/**
 * What one HTTP client may hold of the server: connections (in total and per remote address) and
 * request-body bytes in memory (in total and per address), reserved as bytes actually arrive, never
 * as a request merely announces them. When a limit is reached the client that has kept the server
 * waiting longest is cut to make room ("shed"): a genuine request (Discord's, or a probe) sends its
 * body at once and is never the one waiting longest, so idle or slow clients cannot crowd it out.
 * Only when no connection can be shed (every one is work in hand) is a new one refused: that is
 * genuine overload, and what readiness reports.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface HttpLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  maxBufferedBytes: number;
  maxBufferedBytesPerAddress: number;
  /** One request's body; one connection carries one request at a time, so this bounds a connection. */
  maxBodyBytes: number;
  headersTimeoutMs: number;
  /** The whole request, body included: a client sending a byte at a time is cut off here. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Requests one connection may carry: a pipelined flood needs new connections, which the caps above count. */
  maxRequestsPerConnection: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  // Well below a default 1,024-descriptor limit, leaving room for the store and Discord's REST.
  maxConnections: 512,
  // Behind a reverse proxy every connection comes from its address: shedding, not this cap, is what keeps
  // genuine requests flowing there.
  maxConnectionsPerAddress: 256,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxBufferedBytesPerAddress: 16 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  // nginx's keepalive_requests: Discord reconnects after it at the cost of one handshake.
  maxRequestsPerConnection: 1000,
};

/** Why a client was cut (shed) or turned away (refused); a fixed set, fit for a metric label. */
export type LimitReason = 'timeout' | 'connections' | 'address-connections' | 'body-bytes' | 'address-body-bytes';

export interface GuardEvents {
  shed(reason: LimitReason, address: string): void;
  refused(reason: LimitReason, address: string): void;
}

interface Connection {
  socket: Socket;
  address: string;
  /** Since when the server has been waiting on this client (connected, a request begun, an answer sent). */
  waitingSince: number;
  /** The server is working on its request (the body is in): never shed. */
  working: boolean;
  held: number;
}

export interface ConnectionGuard {
  /** A new connection: admitted (shedding another if need be), or destroyed. */
  admit(socket: Socket): void;
  /** A request began on this socket: the server waits on its body, if it has one. */
  requestBegun(socket: Socket, hasBody: boolean): void;
  /** The request's body is in (or it had none): the server works on it. */
  working(socket: Socket): void;
  /** The answer is sent: the server waits on the client again. */
  answered(socket: Socket): void;
  /** Takes `bytes` more of the body budget for this socket's request; false when it is the one cut for room. */
  reserve(socket: Socket, bytes: number): boolean;
  release(socket: Socket, bytes: number): void;
  /** The server answered this socket 408 for a deadline (Node's own timers) and closes it: counted as shed. */
  timedOut(socket: Socket): void;
  /** addresses: how many remote addresses have a connection (what the per-address table holds). */
  stats(): { connections: number; bufferedBytes: number; addresses: number };
}

export function createConnectionGuard(limits: HttpLimits, events: GuardEvents): ConnectionGuard {
  const connections = new Map<Socket, Connection>();
  const perAddress = new Map<string, { count: number; held: number }>();
  let buffered = 0;

  const tally = (address: string) => {
    let found = perAddress.get(address);
    if (!found) {
      found = { count: 0, held: 0 };
      perAddress.set(address, found);
    }
    return found;
  };
  const forget = (conn: Connection) => {
    if (!connections.delete(conn.socket)) return;
    buffered -= conn.held;
    const mine = tally(conn.address);
    mine.count -= 1;
    mine.held -= conn.held;
    conn.held = 0;
    if (mine.count === 0) perAddress.delete(conn.address);
  };
  /** The connection that has kept the server waiting longest, of those that qualify, older than `than`. */
  const longestWaiting = (qualifies: (c: Connection) => boolean, than: number): Connection | undefined => {
    let found: Connection | undefined;
    for (const c of connections.values()) {
      if (c.working || c.waitingSince > than || !qualifies(c)) continue;
      if (!found || c.waitingSince < found.waitingSince) found = c;
    }
    return found;
  };
  const shed = (conn: Connection, reason: LimitReason) => {
    forget(conn);
    conn.socket.destroy();
    events.shed(reason, conn.address);
  };

  return {
    admit(socket) {
      const address = socket.remoteAddress ?? 'unknown';
      const now = performance.now();
      // The per-address cap first: a crowd from one address makes room among its own connections.
      if ((perAddress.get(address)?.count ?? 0) >= limits.maxConnectionsPerAddress) {
        const victim = longestWaiting((c) => c.address === address, now);
        if (!victim) return refuse(socket, 'address-connections', address);
        shed(victim, 'address-connections');
      }
      if (connections.size >= limits.maxConnections) {
        const victim = longestWaiting(() => true, now);
        if (!victim) return refuse(socket, 'connections', address);
        shed(victim, 'connections');
      }
      const conn: Connection = { socket, address, waitingSince: now, working: false, held: 0 };
      connections.set(socket, conn);
      tally(address).count += 1;
      socket.once('close', () => forget(conn));
    },
    requestBegun(socket, hasBody) {
      const conn = connections.get(socket);
      if (!conn) return;
      conn.waitingSince = performance.now();
      conn.working = !hasBody;
    },
    working(socket) {
      const conn = connections.get(socket);
      if (conn) conn.working = true;
    },
    answered(socket) {
      const conn = connections.get(socket);
      if (!conn) return;
      conn.working = false;
      conn.waitingSince = performance.now();
    },
    reserve(socket, bytes) {
      const conn = connections.get(socket);
      if (!conn) return false;
      const mine = tally(conn.address);
      // Make room by cutting clients that have kept the server waiting longer than this one; when this one
      // has waited longest, it is the one cut (answered 503): bytes are never refused to a quicker client.
      while (mine.held + bytes > limits.maxBufferedBytesPerAddress) {
        const victim = longestWaiting((c) => c !== conn && c.held > 0 && c.address === conn.address, conn.waitingSince);
        if (!victim) return shedSelf(conn, 'address-body-bytes');
        shed(victim, 'address-body-bytes');
      }
      while (buffered + bytes > limits.maxBufferedBytes) {
        const victim = longestWaiting((c) => c !== conn && c.held > 0, conn.waitingSince);
        if (!victim) return shedSelf(conn, 'body-bytes');
        shed(victim, 'body-bytes');
      }
      conn.held += bytes;
      mine.held += bytes;
      buffered += bytes;
      return true;
    },
    release(socket, bytes) {
      const conn = connections.get(socket);
      if (!conn) return;
      const give = Math.min(bytes, conn.held);
      conn.held -= give;
      tally(conn.address).held -= give;
      buffered -= give;
    },
    timedOut(socket) {
      // Still counted until it closes (within a second): a half-open peer cannot slip out of the caps.
      const conn = connections.get(socket);
      if (conn) events.shed('timeout', conn.address);
    },
    stats: () => ({ connections: connections.size, bufferedBytes: buffered, addresses: perAddress.size }),
  };

  function refuse(socket: Socket, reason: LimitReason, address: string): void {
    // A plain 503: a probe reads "unavailable", not a reset.
    closeWith(socket, 'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    events.refused(reason, address);
  }
  function shedSelf(conn: Connection, reason: LimitReason): false {
    events.shed(reason, conn.address);
    return false;
  }
}

/** Sends a last raw answer and closes: the socket is gone within a second whatever the peer does (a half-open peer included). */
export function closeWith(socket: Socket, answer: string): void {
  if (socket.writable) {
    socket.end(answer);
    setTimeout(() => socket.destroy(), 1000).unref();
  } else socket.destroy();
}
