/**
 * A loopback Discord (REST v10 + JSON gateway) that the REAL discord.js client can log in to.
 *
 *   const discord = await startDiscordStandIn({ token: 'T', guilds: [{ id: makeSnowflake(), roles: 5 }] });
 *   const client = new Client({ intents: [], rest: { api: discord.apiUrl } });
 *   await client.login('T');                               // GET /gateway/bot, then the gateway
 *   const h = discord.sendInteraction({ guildId, userId, command: 'clearcache', roles: [roleId] });
 *   (await h.callback).body                                // { type: 5, data: { flags: 64 } }
 *   (await h.reply()).message.embeds                       // the answer the user sees
 *   discord.sendInteraction({ ...who, command: 'apikey', form: { customId: 'apikey:set', fields: { key } } });  // MODAL_SUBMIT
 *   discord.sendInteraction({ ...who, command: 'help', component: { customId: 'x' } });                     // a button press
 *   await discord.close();
 *
 * REST (under /api/v10): GET gateway/bot, gateway, users/@me, applications/@me;
 * GET|PUT applications/{app}/commands and applications/{app}/guilds/{guild}/commands;
 * GET guilds/{guild}/roles; POST interactions/{id}/{token}/callback (see discord-interactions.ts;
 * a modal, type 9, is checked against Discord's limits and refused in answer to a submitted form);
 * POST webhooks/{app}/{token}; GET|PATCH|DELETE webhooks/{app}/{token}/messages/{@original|id}.
 * Bot routes need `Authorization: Bot <token>` (else 401). Anything else is a 404, recorded like
 * every request in `requests`, so a test can spot calls it did not expect.
 * The gateway is in discord-gateway.ts; role changes made here reach a session that has the
 * GUILDS intent as GUILD_ROLE_CREATE/DELETE, as they would on Discord.
 * Sharding: GET gateway/bot recommends `recommendedShards`; each guild's events (interactions
 * included) reach only the session of its shard, `(guild_id >> 22) % count` (see discord-gateway.ts);
 * `makeSnowflake({ shard, count })` makes a guild id on a given shard.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  GatewayDispatchEvents,
  Locale,
  type APIApplication,
  type APIChatInputApplicationCommandInteraction,
  type APIApplicationCommand,
  type APIRole,
  type APIUser,
  type ApplicationFlags,
  type GatewayGuildCreateDispatchData,
  type RESTGetAPIGatewayBotResult,
} from 'discord.js';
import { CommandRegistry } from './discord-commands.js';
import {
  createGateway,
  GUILDS_INTENT,
  type GatewayDispatch,
  type GatewayIdentify,
  type GatewayResume,
  type GatewaySession,
} from './discord-gateway.js';
import {
  discordError,
  InteractionTracker,
  type InteractionHandle,
  type RecordedRequest,
  type RestAnswer,
} from './discord-interactions.js';
import {
  asComponent,
  asFormSubmit,
  buildInteraction,
  buildMessage,
  createGuildState,
  DEFAULT_EVERYONE_PERMISSIONS,
  makeRole,
  makeSnowflake,
  makeUser,
  memberPermissions,
  type GuildSpec,
  type GuildState,
  type InteractionOption,
  type UploadedFile,
} from './discord-payloads.js';
import { type Delivered, type Signer, createSigner, deliver } from './discord-http.js';
import { createWaits } from './wait.js';

export {
  makeSnowflake,
  roleOption,
  stringOption,
  userOption,
  type GuildSpec,
  type GuildState,
  type InteractionOption,
} from './discord-payloads.js';
export type { InteractionHandle, RecordedRequest, VisibleReply } from './discord-interactions.js';
export { shardOf } from './discord-gateway.js';
export type { GatewayDispatch, GatewayIdentify, GatewayResume, GatewaySession } from './discord-gateway.js';

export interface DiscordStandInOptions {
  token: string;
  applicationId?: string;
  botUserId?: string;
  guilds?: GuildSpec[];
  /** Sent in Hello (Discord: 41250). */
  heartbeatIntervalMs?: number;
  /** Discord forgets an interaction not acknowledged within 3 s (the default); Infinity turns it off. */
  callbackDeadlineMs?: number;
  /** Delay before every REST answer. */
  restLatencyMs?: number;
  /** The shard count GET /gateway/bot recommends (default: requiredShards, else 1). */
  recommendedShards?: number;
  /** An Identify with fewer shards than this is closed with 4011 "Sharding required" (default: none). */
  requiredShards?: number;
  /** session_start_limit.max_concurrency: how many shards may identify at once (Discord: 1 for most bots). */
  maxConcurrency?: number;
  /**
   * GUILD_CREATE for a bot that asks for the Guilds intent (the benchmark's guide-style bots:
   * test/bench/guild-create.ts). Without it an Identify with that intent is refused (4014).
   */
  guildCreate?: (guild: GuildState, botUser: APIUser) => GatewayGuildCreateDispatchData;
}

/** What Discord does when the Interactions Endpoint URL is saved: a PING, and a request with a bad signature. */
export interface EndpointCheck {
  ping: Delivered;
  badSignature: Delivered;
}

export interface InteractionSpec {
  userId: string;
  username?: string;
  /** Default: the first guild. Ignored when `dm`. */
  guildId?: string;
  dm?: boolean;
  /** Default: the guild's first text channel (one DM channel per user for `dm`). */
  channelId?: string;
  /** The member's roles; each must exist in the guild. */
  roles?: readonly string[];
  /** Default: computed from @everyone and `roles` (owner or Administrator: every permission). */
  permissions?: bigint | string;
  appPermissions?: bigint | string;
  command: string;
  group?: string;
  subcommand?: string;
  /** Role (type 8) and user (type 6) options are resolved into data.resolved automatically. */
  options?: readonly InteractionOption[];
  locale?: Locale;
  /** How long `callback` and `reply()` wait before rejecting (default 15 s). */
  timeoutMs?: number;
  /**
   * Send a submitted form (MODAL_SUBMIT, type 5) instead of the command: its custom_id and text
   * inputs by custom_id, as Discord sends them (action rows of text inputs). `command` still names
   * the command the form came from (it picks nothing the bot sees).
   */
  form?: { customId: string; fields: Record<string, string> };
  /** Send a component interaction (MESSAGE_COMPONENT, type 3: a button press) instead of the command. */
  component?: { customId: string };
  /** Changes the payload as built, before it is sent: for malformed and unusual interactions. */
  mutate?: (payload: APIChatInputApplicationCommandInteraction) => void;
  /** Deliver to this endpoint rather than the one set (a load balancer's choice among several bots). */
  endpoint?: string;
}

export interface DiscordStandIn {
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly applicationId: string;
  readonly botUser: APIUser;
  readonly requests: readonly RecordedRequest[];
  readonly identifies: readonly GatewayIdentify[];
  readonly resumes: readonly GatewayResume[];
  /** Query strings of every gateway connection, e.g. { v: '10', encoding: 'json' }. */
  readonly connections: ReadonlyArray<Record<string, string>>;
  readonly heartbeats: number;
  /** Every gateway session, one per shard identified (resumed ones keep theirs). */
  sessions(): GatewaySession[];
  /** Every event sent through the gateway after READY (not the GUILD_CREATEs streamed at login), with the session and shard it went to. */
  readonly dispatches: readonly GatewayDispatch[];
  /** The shards (`[id, count]`) an interaction was dispatched to; empty if none (or it went over HTTP). */
  shardsOf(interactionId: string): Array<readonly [number, number]>;
  guild(guildId: string): GuildState;
  roleByName(guildId: string, name: string): APIRole;
  addRole(guildId: string, role: { name: string; permissions?: bigint }): APIRole;
  deleteRole(guildId: string, roleId: string): boolean;
  /** Registered commands: global ones, or a guild's. */
  commands(guildId?: string): APIApplicationCommand[];
  /** Delivers through the gateway, or (once an endpoint URL is set) as a signed POST to it. */
  sendInteraction(spec: InteractionSpec): InteractionHandle;
  /** The application's public key (hex), for DISCORD_PUBLIC_KEY: deliveries are signed with its pair. */
  readonly publicKey: string;
  readonly signer: Signer;
  /** Sets (or clears) the Interactions Endpoint URL: interactions then go there, signed, instead of the gateway. */
  setInteractionsEndpoint(url: string | undefined): void;
  /** The check Discord runs when the endpoint URL is saved. */
  checkEndpoint(url: string): Promise<EndpointCheck>;
  /** Every signed delivery's HTTP answer, in order. */
  readonly deliveries: ReadonlyArray<{ id: string; sentAt: number } & Delivered>;
  /** Drops the bot's socket (the latest session's, or shard `shardId`'s): with a close code (4000: the client resumes), or abruptly (no code). */
  disconnect(code?: number, shardId?: number): Promise<void>;
  /** Resolves with the first answered request that matches (past or future). */
  waitForRequest(match: (r: RecordedRequest) => boolean, timeoutMs?: number, what?: string): Promise<RecordedRequest>;
  /** Resolves once `condition()` holds (re-checked on every stand-in event and every 10 ms). */
  waitUntil(condition: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  setRestLatency(ms: number): void;
  close(): Promise<void>;
}

const API_PREFIX = '/api/v10';

export async function startDiscordStandIn(opts: DiscordStandInOptions): Promise<DiscordStandIn> {
  const botUser = makeUser(opts.botUserId ?? makeSnowflake(), 'Stand-in Bot', true);
  const applicationId = opts.applicationId ?? botUser.id;
  let restLatencyMs = opts.restLatencyMs ?? 0;
  const specs = new Map((opts.guilds ?? []).map((spec) => [spec.id, spec]));
  // Guild state is built on first use: a 2,000-guild benchmark pays only for what it touches.
  const guildStates = new Map<string, GuildState>();
  const registry = new CommandRegistry(applicationId);
  const dmChannels = new Map<string, string>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let gatewayUrl = '';
  let closed = false;
  const signer = createSigner();
  let endpointUrl: string | undefined;
  const deliveries: Array<{ id: string; sentAt: number } & Delivered> = [];

  const waits = createWaits('Discord stand-in');
  const changes = waits.topic();
  const tracker = new InteractionTracker({
    applicationId,
    botUser,
    callbackDeadlineMs: opts.callbackDeadlineMs ?? 3_000,
    waits,
  });

  function guildState(guildId: string): GuildState {
    let state = guildStates.get(guildId);
    if (!state) {
      const spec = specs.get(guildId);
      if (!spec) throw new Error(`Discord stand-in: unknown guild ${guildId}`);
      state = createGuildState(spec);
      guildStates.set(guildId, state);
    }
    return state;
  }

  const gateway = createGateway({
    token: opts.token,
    botUser,
    applicationId,
    heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
    url: () => gatewayUrl,
    guildIds: () => specs.keys(),
    ...(opts.guildCreate ? { guildCreate: (guildId: string) => opts.guildCreate!(guildState(guildId), botUser) } : {}),
    onChange: () => waits.notify(changes),
    ...(opts.requiredShards !== undefined ? { requiredShards: opts.requiredShards } : {}),
  });
  const recommendedShards = opts.recommendedShards ?? opts.requiredShards ?? 1;

  // ---------------------------------------------------------------- REST

  function botRoute({ method, route, body }: RecordedRequest): RestAnswer | undefined {
    if (route === '/gateway/bot' && method === 'GET') {
      const info: RESTGetAPIGatewayBotResult = {
        url: gatewayUrl,
        shards: recommendedShards,
        session_start_limit: {
          total: 1000,
          remaining: 1000 - gateway.identifies.length,
          reset_after: 86_400_000,
          max_concurrency: opts.maxConcurrency ?? 1,
        },
      };
      return { status: 200, body: info };
    }
    if (route === '/users/@me' && method === 'GET') {
      return {
        status: 200,
        body: { ...botUser, verified: true, mfa_enabled: false, locale: Locale.EnglishUS, email: null },
      };
    }
    if (route === '/applications/@me' && method === 'GET') return { status: 200, body: application() };
    const commands = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(route);
    if (commands) {
      const [, appId, guildId] = commands;
      if (appId !== applicationId || (guildId !== undefined && !specs.has(guildId)))
        return discordError(403, 50001, 'Missing Access');
      if (method === 'GET') return { status: 200, body: registry.list(guildId) };
      if (method !== 'PUT') return discordError(405, 0, '405: Method Not Allowed');
      const result = registry.put(body, guildId);
      return 'ok' in result ? { status: 200, body: result.ok } : { status: 400, body: result.error };
    }
    const roles = /^\/guilds\/(\d+)\/roles$/.exec(route);
    if (roles?.[1] !== undefined && method === 'GET') {
      if (!specs.has(roles[1])) return discordError(404, 10004, 'Unknown Guild');
      return { status: 200, body: [...guildState(roles[1]).roles.values()] };
    }
    return undefined;
  }

  function route(record: RecordedRequest, authorization: string | undefined): RestAnswer {
    const { method, route: path } = record;
    // Interaction routes carry no bot token: the interaction token is the credential.
    const callback = /^\/interactions\/(\d+)\/([\w-]+)\/callback$/.exec(path);
    if (callback && method === 'POST') return tracker.callback(record, callback[1] ?? '', callback[2] ?? '');
    const webhook = /^\/webhooks\/(\d+)\/([\w-]+)(?:\/messages\/(@original|\d+))?$/.exec(path);
    if (webhook) return tracker.webhook(record, webhook[1] ?? '', webhook[2] ?? '', webhook[3]);
    if (path === '/gateway' && method === 'GET') return { status: 200, body: { url: gatewayUrl } };
    if (authorization !== `Bot ${opts.token}`) return discordError(401, 0, '401: Unauthorized');
    return botRoute(record) ?? discordError(404, 0, '404: Not Found');
  }

  function application(): APIApplication {
    return {
      id: applicationId,
      name: botUser.username,
      icon: null,
      description: '',
      summary: '',
      bot_public: true,
      bot_require_code_grant: false,
      bot: botUser,
      owner: makeUser(makeSnowflake(), 'owner'),
      verify_key: signer.publicKeyHex,
      team: null,
      flags: 0 as ApplicationFlags,
      flags_new: '0',
      approximate_guild_count: specs.size,
      redirect_uris: [],
      interactions_endpoint_url: endpointUrl ?? null,
      role_connections_verification_url: null,
    };
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { body, files } = await parseBody(Buffer.concat(chunks), req.headers['content-type']);
    // discord.js percent-encodes path segments: "@original" arrives as "%40original".
    const path = safeDecode(url.pathname);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      route: path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      files,
      at,
      status: 0,
    };
    requests.push(record);
    const answer = path.startsWith(`${API_PREFIX}/`)
      ? route(record, req.headers.authorization)
      : discordError(404, 0, '404: Not Found');
    if (restLatencyMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, restLatencyMs);
        timers.add(timer);
      });
    }
    record.status = answer.status;
    if (!res.destroyed) {
      if (answer.body === undefined) {
        // Discord's 204: no body and no content-type, which @discordjs/rest relies on.
        res.writeHead(answer.status).end();
      } else {
        const text = JSON.stringify(answer.body);
        res
          .writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
          .end(text);
      }
    }
    const token = /^\/(?:interactions\/\d+|webhooks\/\d+)\/([\w-]+)/.exec(record.route)?.[1];
    if (token) tracker.answered(token);
    waits.notify(changes);
  }

  const server = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', gateway.upgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  gatewayUrl = `ws://127.0.0.1:${port}`;

  // ---------------------------------------------------------------- interactions

  function sendInteraction(spec: InteractionSpec): InteractionHandle {
    const endpoint = spec.endpoint ?? endpointUrl;
    if (!endpoint && !gateway.connected())
      throw new Error('Discord stand-in: no gateway session is connected; log the client in first');
    const guildId = spec.dm ? undefined : (spec.guildId ?? specs.keys().next().value);
    if (!spec.dm && guildId === undefined) throw new Error('Discord stand-in: no guild to send the interaction in');
    if (!endpoint && !gateway.reaches(guildId)) {
      const live = gateway
        .sessions()
        .filter((s) => s.live && s.connected)
        .map((s) => s.shard.join('/'));
      throw new Error(
        `Discord stand-in: no connected gateway session is on the shard of ${guildId === undefined ? 'DMs (shard 0)' : `guild ${guildId}`}; connected shards (id/count): ${live.join(', ')}`,
      );
    }
    const guild = guildId === undefined ? undefined : guildState(guildId);
    const memberRoles = spec.roles ?? [];
    for (const roleId of memberRoles) {
      if (!guild?.roles.has(roleId))
        throw new Error(`Discord stand-in: member role ${roleId} is not a role of guild ${guildId ?? '(DM)'}`);
    }
    const channelId = spec.channelId ?? (guild ? guild.channelIds[0] : dmChannels.get(spec.userId)) ?? makeSnowflake();
    if (!guild) dmChannels.set(spec.userId, channelId);
    const command = registry.idFor(spec.command, guildId);
    const id = makeSnowflake();
    const payload = buildInteraction({
      id,
      token: `aW50ZXJhY3Rpb246${id}-${randomBytes(24).toString('base64url')}`,
      applicationId,
      commandId: command.id,
      ...(command.guildId ? { commandGuildId: command.guildId } : {}),
      command: spec.command,
      ...(spec.group !== undefined ? { group: spec.group } : {}),
      ...(spec.subcommand !== undefined ? { subcommand: spec.subcommand } : {}),
      options: spec.options ?? [],
      user: makeUser(spec.userId, spec.username ?? `user${spec.userId.slice(-4)}`),
      ...(guild ? { guild } : {}),
      channelId,
      memberRoles,
      permissions:
        spec.permissions !== undefined
          ? BigInt(spec.permissions)
          : guild
            ? memberPermissions(guild, spec.userId, memberRoles)
            : DEFAULT_EVERYONE_PERMISSIONS,
      appPermissions: BigInt(spec.appPermissions ?? DEFAULT_EVERYONE_PERMISSIONS),
      locale: spec.locale ?? Locale.EnglishUS,
    });
    if (spec.form) asFormSubmit(payload, spec.form);
    else if (spec.component) {
      // The message the button is on: one the bot posted before, in the same channel.
      const user = payload.member?.user ?? payload.user ?? botUser;
      const message = buildMessage({
        id: makeSnowflake(),
        channelId,
        author: botUser,
        applicationId,
        interactionId: makeSnowflake(),
        invoker: user,
        commandName: spec.command,
        authorizingOwners: payload.authorizing_integration_owners,
        original: true,
        body: { content: 'an earlier message' },
        files: [],
        flags: 0,
      });
      asComponent(payload, spec.component.customId, message);
    }
    spec.mutate?.(payload);
    const handle = tracker.track(payload, spec.timeoutMs ?? 15_000);
    if (endpoint) {
      deliverSigned(endpoint, payload);
      return handle;
    }
    tracker.markSent(id, performance.now());
    gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return handle;
  }

  /** As Discord over HTTP: the response to the signed POST is the interaction's callback. */
  function deliverSigned(url: string, payload: APIChatInputApplicationCommandInteraction): void {
    const body = JSON.stringify(payload);
    const sentAt = performance.now();
    tracker.markSent(payload.id, sentAt);
    deliver(url, body, signer.headers(body)).then(
      (answer) => {
        deliveries.push({ id: payload.id, sentAt, ...answer });
        const path = `${API_PREFIX}/interactions/${payload.id}/${payload.token}/callback`;
        const record: RecordedRequest = {
          method: 'POST',
          path,
          route: path.slice(API_PREFIX.length),
          query: {},
          headers: answer.headers,
          body: answer.body,
          files: [],
          at: answer.at,
          status: 0,
        };
        requests.push(record);
        // Only a 200 with an interaction response counts; anything else fails the interaction, as on Discord.
        record.status =
          answer.status === 200 ? tracker.callback(record, payload.id, payload.token).status : answer.status;
        tracker.answered(payload.token);
        waits.notify(changes);
      },
      (error: unknown) => {
        deliveries.push({ id: payload.id, sentAt, status: 0, headers: {}, body: String(error), at: performance.now() });
        waits.notify(changes);
      },
    );
  }

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl,
    applicationId,
    botUser,
    requests,
    identifies: gateway.identifies,
    resumes: gateway.resumes,
    connections: gateway.connections,
    get heartbeats() {
      return gateway.heartbeats;
    },
    sessions: () => gateway.sessions(),
    dispatches: gateway.dispatches,
    shardsOf: (interactionId) =>
      gateway.dispatches
        .filter(
          (d) =>
            d.event === GatewayDispatchEvents.InteractionCreate && (d.data as { id?: unknown }).id === interactionId,
        )
        .map((d) => d.shard),
    guild: guildState,
    roleByName(guildId, name) {
      const role = [...guildState(guildId).roles.values()].find((r) => r.name === name);
      if (!role) throw new Error(`Discord stand-in: guild ${guildId} has no role named "${name}"`);
      return role;
    },
    addRole(guildId, { name, permissions = 0n }) {
      const state = guildState(guildId);
      const role = makeRole(makeSnowflake(), name, state.roles.size, permissions);
      state.roles.set(role.id, role);
      gateway.dispatch(GatewayDispatchEvents.GuildRoleCreate, { guild_id: guildId, role }, GUILDS_INTENT);
      return role;
    },
    deleteRole(guildId, roleId) {
      if (roleId === guildId) throw new Error('Discord stand-in: @everyone cannot be deleted');
      const deleted = guildState(guildId).roles.delete(roleId);
      if (deleted)
        gateway.dispatch(GatewayDispatchEvents.GuildRoleDelete, { guild_id: guildId, role_id: roleId }, GUILDS_INTENT);
      return deleted;
    },
    commands: (guildId) => registry.list(guildId),
    sendInteraction,
    publicKey: signer.publicKeyHex,
    signer,
    deliveries,
    setInteractionsEndpoint(url) {
      endpointUrl = url;
    },
    async checkEndpoint(url) {
      const ping = JSON.stringify({
        id: makeSnowflake(),
        application_id: applicationId,
        type: 1,
        token: randomBytes(24).toString('base64url'),
        version: 1,
      });
      const bad = { ...signer.headers(ping) };
      bad['x-signature-ed25519'] =
        `${bad['x-signature-ed25519']!.slice(0, -2)}${bad['x-signature-ed25519']!.endsWith('00') ? '11' : '00'}`;
      return { ping: await deliver(url, ping, signer.headers(ping)), badSignature: await deliver(url, ping, bad) };
    },
    disconnect: (code, shardId) => gateway.disconnect(code, shardId),
    waitForRequest(match, timeoutMs = 5_000, what = 'matching request') {
      return waits.until(changes, () => requests.find((r) => r.status !== 0 && match(r)), timeoutMs, what);
    },
    async waitUntil(condition, timeoutMs = 5_000, what = 'condition') {
      // The condition may watch the client, not the stand-in, so it is also re-checked every 10 ms.
      const tick = setInterval(() => waits.notify(changes), 10);
      try {
        await waits.until(changes, () => (condition() ? true : undefined), timeoutMs, what);
      } finally {
        clearInterval(tick);
      }
    },
    setRestLatency(ms) {
      restLatencyMs = ms;
    },
    async close() {
      if (closed) return;
      closed = true;
      waits.closeAll();
      for (const timer of timers) clearTimeout(timer);
      gateway.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** JSON, multipart (payload_json + files, as discord.js sends attachments), or plain text. */
async function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): Promise<{ body: unknown; files: UploadedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const files: UploadedFile[] = [];
    let body: unknown;
    for (const [field, value] of form) {
      if (typeof value !== 'string')
        files.push({ field, filename: value.name, contentType: value.type, size: value.size });
      else if (field === 'payload_json') body = JSON.parse(value);
    }
    return { body, files };
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}
