/**
 * The gateway half of the Discord stand-in: a `ws` server speaking v10 JSON (no compression).
 *
 *   const gateway = createGateway({ token, botUser, applicationId, heartbeatIntervalMs, url, guildIds, guildCreate, onChange });
 *   httpServer.on('upgrade', gateway.upgrade);
 *   gateway.dispatch('INTERACTION_CREATE', payload)   // to the session of the payload's guild's shard; false if none
 *   gateway.dispatch('GUILD_ROLE_DELETE', data, GUILDS_INTENT)   // only if that session asked for it
 *   gateway.identifies / resumes / connections / heartbeats / sessions / dispatches
 *   await gateway.disconnect(4000)                   // the client resumes; no code: abrupt drop
 *   await gateway.disconnect(4000, 1)                // only shard 1's socket
 *
 * As Discord does: Hello on connect; heartbeat -> ACK; Identify with a wrong token -> close 4004;
 * READY lists the session's guilds as unavailable; one GUILD_CREATE per guild follows only when the
 * identify intents include GUILDS; Resume of a known session -> RESUMED (nothing is replayed),
 * of an unknown one -> op 9 (invalid session, not resumable). A `compress` query parameter is
 * recorded and ignored: frames are plain JSON text, which discord.js reads either way.
 *
 * Sharding, as Discord does it: each Identify may carry `shard: [id, count]` (none: [0, 1]), on as
 * many sockets at once as the bot likes, one session per shard. A guild belongs to shard
 * `(guild_id >> 22) % count`: its READY entry, GUILD_CREATE and every event carrying its `guild_id`
 * (interactions too) go only to that shard's session; events without a guild (DMs) go to shard 0.
 * An invalid shard array closes with 4010; a shard count below `requiredShards` with 4011.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  GatewayDispatchEvents,
  GatewayOpcodes,
  type APIUser,
  type ApplicationFlags,
  type GatewayReadyDispatchData,
} from 'discord.js';

export const GUILDS_INTENT = 1 << 0;

export interface GatewayIdentify {
  /** performance.now() when the Identify arrived. */
  at: number;
  intents: number;
  shard: unknown;
  properties: unknown;
  accepted: boolean;
}

/** Which shard of `count` a guild's events go to, as Discord computes it. */
export function shardOf(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** A gateway session: one per shard the bot identified as. */
export interface GatewaySession {
  id: string;
  /** [shard id, shard count] as identified ([0, 1] when the Identify had none). */
  shard: readonly [number, number];
  intents: number;
  /** The socket is open now. */
  connected: boolean;
  /** No later session of the same shard has replaced it: events are routed to it. */
  live: boolean;
}

/** One event sent by dispatch() (GUILD_CREATEs streamed after READY are not recorded). */
export interface GatewayDispatch {
  at: number;
  event: string;
  /** The data's guild_id; undefined for events outside a guild (DMs), which go to shard 0. */
  guildId: string | undefined;
  sessionId: string;
  shard: readonly [number, number];
  data: unknown;
}

export interface GatewayResume {
  at: number;
  sessionId: string;
  seq: number;
  accepted: boolean;
}

export interface GatewayOptions {
  token: string;
  botUser: APIUser;
  applicationId: string;
  heartbeatIntervalMs: number;
  /** The ws:// URL, known once the HTTP server listens (also READY's resume_gateway_url). */
  url: () => string;
  guildIds: () => Iterable<string>;
  /** GUILD_CREATE of a guild, for sessions with the Guilds intent; without it that intent is refused. */
  guildCreate?: (guildId: string) => unknown;
  /** Called after every identify, resume and heartbeat, so waits can re-check. */
  onChange: () => void;
  /** Refuse (close 4011, "Sharding required") an Identify whose shard count is below this. */
  requiredShards?: number;
}

export interface Gateway {
  readonly identifies: readonly GatewayIdentify[];
  readonly resumes: readonly GatewayResume[];
  /** Query strings of every connection, e.g. { v: '10', encoding: 'json' }. */
  readonly connections: ReadonlyArray<Record<string, string>>;
  readonly heartbeats: number;
  readonly dispatches: readonly GatewayDispatch[];
  sessions(): GatewaySession[];
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
  /** Some session is connected. */
  connected(): boolean;
  /** A connected session receives this guild's events (undefined: events outside a guild, shard 0). */
  reaches(guildId: string | undefined): boolean;
  /** Sends to the session(s) of the shard that owns `data.guild_id` (shard 0 without one); false if none took it. */
  dispatch(event: string, data: unknown, requiredIntent?: number): boolean;
  /** Drops the socket of the latest session, or of the live session of shard `shardId`. */
  disconnect(code?: number, shardId?: number): Promise<void>;
  close(): void;
}

interface Session {
  id: string;
  seq: number;
  intents: number;
  shard: readonly [number, number];
  socket: WebSocket | undefined;
}

export function createGateway(opts: GatewayOptions): Gateway {
  const identifies: GatewayIdentify[] = [];
  const resumes: GatewayResume[] = [];
  const connections: Array<Record<string, string>> = [];
  const sessions = new Map<string, Session>();
  // The session events are routed to, per shard ("id/count"): the latest to identify or resume as it.
  const live = new Map<string, Session>();
  const dispatches: GatewayDispatch[] = [];
  let current: Session | undefined;
  let heartbeats = 0;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

  const tokenOk = (token: unknown): boolean =>
    typeof token === 'string' && token.replace(/^Bot\s+/i, '') === opts.token;

  function send(session: Session, event: string, data: unknown): boolean {
    const socket = session.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    session.seq += 1;
    socket.send(`{"op":0,"t":"${event}","s":${session.seq},"d":${JSON.stringify(data)}}`);
    return true;
  }

  function sendOp(socket: WebSocket, op: number, d: unknown): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ op, d, s: null, t: null }));
  }

  const shardKey = (session: Session) => `${session.shard[0]}/${session.shard[1]}`;
  const isOpen = (session: Session) => session.socket?.readyState === WebSocket.OPEN;
  /** The guild is this session's: its shard's, or (no guild) shard 0's. */
  const owns = (session: Session, guildId: string | undefined) =>
    guildId === undefined ? session.shard[0] === 0 : shardOf(guildId, session.shard[1]) === session.shard[0];
  const makeLive = (session: Session) => {
    live.set(shardKey(session), session);
    current = session;
  };

  /** The shard array of an Identify: [id, count], or undefined when invalid. */
  function parseShard(shard: unknown): readonly [number, number] | undefined {
    if (shard === undefined) return [0, 1];
    if (!Array.isArray(shard) || shard.length !== 2) return undefined;
    const [id, count] = shard as unknown[];
    if (!Number.isInteger(id) || !Number.isInteger(count)) return undefined;
    const [i, n] = [id as number, count as number];
    return n >= 1 && i >= 0 && i < n ? [i, n] : undefined;
  }

  async function streamGuildCreates(session: Session, socket: WebSocket): Promise<void> {
    let sent = 0;
    for (const guildId of opts.guildIds()) {
      if (!owns(session, guildId)) continue;
      if (session.socket !== socket || !send(session, GatewayDispatchEvents.GuildCreate, opts.guildCreate?.(guildId)))
        return;
      // Let heartbeats and REST through while thousands of guilds stream out.
      if (++sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  function identify(socket: WebSocket, d: Record<string, unknown>): Session | undefined {
    const accepted = tokenOk(d.token);
    const intents = typeof d.intents === 'number' ? d.intents : Number.NaN;
    identifies.push({ at: performance.now(), intents, shard: d.shard, properties: d.properties, accepted });
    opts.onChange();
    if (!accepted) return void socket.close(4004, 'Authentication failed.');
    if (!Number.isInteger(intents)) return void socket.close(4013, 'Invalid intent(s).');
    if (intents & GUILDS_INTENT && !opts.guildCreate) return void socket.close(4014, 'Disallowed intent(s).');
    const shard = parseShard(d.shard);
    if (!shard) return void socket.close(4010, 'Invalid shard.');
    if (shard[1] < (opts.requiredShards ?? 1)) return void socket.close(4011, 'Sharding required.');
    const session: Session = { id: randomBytes(16).toString('hex'), seq: 0, intents, shard, socket };
    sessions.set(session.id, session);
    makeLive(session);
    const ready: GatewayReadyDispatchData = {
      v: 10,
      user: opts.botUser,
      guilds: Array.from(opts.guildIds(), (id) => id)
        .filter((id) => owns(session, id))
        .map((id) => ({ id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: opts.url(),
      shard: [shard[0], shard[1]],
      application: { id: opts.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
    };
    send(session, GatewayDispatchEvents.Ready, ready);
    if (intents & GUILDS_INTENT) void streamGuildCreates(session, socket);
    return session;
  }

  function resume(socket: WebSocket, d: Record<string, unknown>): Session | undefined {
    const sessionId = typeof d.session_id === 'string' ? d.session_id : '';
    const session = sessions.get(sessionId);
    resumes.push({
      at: performance.now(),
      sessionId,
      seq: Number(d.seq),
      accepted: tokenOk(d.token) && session !== undefined,
    });
    opts.onChange();
    if (!tokenOk(d.token)) return void socket.close(4004, 'Authentication failed.');
    if (!session) return void sendOp(socket, GatewayOpcodes.InvalidSession, false);
    if (session.socket && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    makeLive(session);
    send(session, GatewayDispatchEvents.Resumed, {});
    return session;
  }

  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    connections.push(query);
    if (query.v !== '10') return socket.close(4012, 'Invalid API version');
    if ((query.encoding ?? 'json') !== 'json') return socket.close(4002, 'This stand-in speaks encoding=json only');
    let session: Session | undefined;
    sendOp(socket, GatewayOpcodes.Hello, { heartbeat_interval: opts.heartbeatIntervalMs });
    socket.on('message', (raw: RawData, isBinary: boolean) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        if (isBinary) throw new Error('binary frame');
        payload = JSON.parse(rawText(raw)) as { op?: unknown; d?: unknown };
      } catch {
        return socket.close(4002, 'Error while decoding payload.');
      }
      const d = typeof payload.d === 'object' && payload.d !== null ? (payload.d as Record<string, unknown>) : {};
      switch (payload.op) {
        case GatewayOpcodes.Heartbeat:
          heartbeats += 1;
          sendOp(socket, GatewayOpcodes.HeartbeatAck, null);
          return opts.onChange();
        case GatewayOpcodes.Identify:
          if (session) return socket.close(4005, 'Already authenticated.');
          session = identify(socket, d);
          return;
        case GatewayOpcodes.Resume:
          if (session) return socket.close(4005, 'Already authenticated.');
          session = resume(socket, d);
          return;
        case GatewayOpcodes.PresenceUpdate:
        case GatewayOpcodes.VoiceStateUpdate:
        case GatewayOpcodes.RequestGuildMembers:
          if (!session) return socket.close(4003, 'Not authenticated.');
          return;
        default:
          return socket.close(4001, 'Unknown opcode.');
      }
    });
    socket.on('close', () => {
      if (session?.socket === socket) session.socket = undefined;
    });
  });

  return {
    identifies,
    resumes,
    connections,
    get heartbeats() {
      return heartbeats;
    },
    dispatches,
    sessions: () =>
      [...sessions.values()].map((s) => ({
        id: s.id,
        shard: s.shard,
        intents: s.intents,
        connected: isOpen(s),
        live: live.get(shardKey(s)) === s,
      })),
    upgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    connected: () => [...live.values()].some(isOpen),
    reaches: (guildId) => [...live.values()].some((s) => isOpen(s) && owns(s, guildId)),
    dispatch(event, data, requiredIntent = 0) {
      const raw = (data as { guild_id?: unknown } | null)?.guild_id;
      const guildId = typeof raw === 'string' ? raw : undefined;
      let sent = false;
      for (const session of live.values()) {
        if (!owns(session, guildId) || (session.intents & requiredIntent) !== requiredIntent) continue;
        if (!send(session, event, data)) continue;
        sent = true;
        dispatches.push({ at: performance.now(), event, guildId, sessionId: session.id, shard: session.shard, data });
      }
      return sent;
    },
    async disconnect(code, shardId) {
      const target =
        shardId === undefined ? current : [...live.values()].find((s) => s.shard[0] === shardId && isOpen(s));
      const socket = target?.socket;
      if (!socket || socket.readyState === WebSocket.CLOSED) return;
      const closed = once(socket, 'close');
      if (code === undefined) socket.terminate();
      else socket.close(code, 'Disconnected by the stand-in');
      await closed;
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}

function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw as ArrayBuffer).toString('utf8');
}
