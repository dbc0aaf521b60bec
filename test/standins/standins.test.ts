/**
 * Self-tests of the loopback stand-ins: the SD API one with plain fetch, the Discord one with the
 * REAL discord.js Client logging in, receiving interactions and answering them.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  ChannelType,
  Client,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionContextType,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  Routes,
  type ChatInputCommandInteraction,
  type ClientOptions,
  type GatewayIntentBits as Intent,
} from 'discord.js';
import { startSdApiStandIn, SD_ANSWERS, type SdApiStandIn } from '../support/sdapi-standin.js';
import {
  makeSnowflake,
  roleOption,
  shardOf,
  startDiscordStandIn,
  type DiscordStandIn,
  type DiscordStandInOptions,
} from '../support/discord-standin.js';
import { validateCommands } from '../support/discord-validation.js';
import { guildCreatePayload } from '../bench/guild-create.js';
import { settlesWithin } from '../support/wait.js';

const TOKEN = 'stand-in.token.secret';
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  // Clients before stand-ins, so the client's close does not race a reconnect.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sdStandIn(latencyMs = 0): Promise<SdApiStandIn> {
  const sd = await startSdApiStandIn({ latencyMs });
  cleanups.push(() => sd.close());
  return sd;
}

const clearCache = (sd: SdApiStandIn, body: unknown, signal?: AbortSignal): Promise<Response> =>
  fetch(`${sd.baseUrl}/v5/clear_cache`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });

describe('SD API stand-in', () => {
  it('answers success by default and records the request', async () => {
    const sd = await sdStandIn();
    const res = await clearCache(sd, { key: 'k1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'success', message: 'Cache cleared' });
    expect(sd.requests).toHaveLength(1);
    expect(sd.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v5/clear_cache',
      json: { key: 'k1' },
      answeredWith: 'success',
    });
    expect(sd.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('answers 429 with retry_after, and the HTML 500', async () => {
    const sd = await sdStandIn();
    sd.setMode('rate-limited');
    const limited = await clearCache(sd, { key: 'k1' });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ status: 'error', retry_after: 30 });

    sd.setMode('html-500');
    const broken = await clearCache(sd, { key: 'k1' });
    expect(broken.status).toBe(500);
    expect(broken.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await broken.text()).toMatch(/^<!DOCTYPE html>/);

    sd.setMode('empty-504');
    const empty = await clearCache(sd, { key: 'k1' });
    expect(empty.status).toBe(504);
    expect(await empty.text()).toBe('');
  });

  it('hangs until the caller gives up, and closes promptly with the request still open', async () => {
    const sd = await sdStandIn();
    sd.setMode('hang');
    const started = performance.now();
    await expect(clearCache(sd, { key: 'k1' }, AbortSignal.timeout(200))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    const pending = clearCache(sd, { key: 'k1' }).catch((error: unknown) => error);
    await sd.waitForRequests(2, 5_000);
    // A close that waited for the hanging request would never end.
    await settlesWithin(sd.close(), 5_000, 'end of sd.close() with a request still open');
    expect(await pending).toBeInstanceOf(Error);
  });

  it('drops the connection without an answer', async () => {
    const sd = await sdStandIn();
    sd.setMode('drop');
    await expect(clearCache(sd, { key: 'k1' })).rejects.toThrow(/fetch failed/);
    expect(sd.requests[0]?.answeredWith).toBe('drop');
  });

  it('applies per-key modes over the default, and one-shot modes then falls back', async () => {
    const sd = await sdStandIn();
    sd.setMode('no-credits', { key: 'poor' });
    sd.setMode('html-502', { times: 1 });
    expect((await clearCache(sd, { key: 'poor' })).status).toBe(402);
    expect((await clearCache(sd, { key: 'rich' })).status).toBe(502);
    expect((await clearCache(sd, { key: 'rich' })).status).toBe(200);
    expect((await clearCache(sd, { key: 'poor' })).status).toBe(402);
    sd.setMode('invalid-key-200', { key: 'poor', times: 1 });
    expect(await (await clearCache(sd, { key: 'poor' })).json()).toMatchObject({
      status: 'error',
      message: 'Invalid Api Key',
    });
    expect((await clearCache(sd, { key: 'poor' })).status).toBe(402);
  });

  it('validates like the real API: no JSON or no key gives the validation answer', async () => {
    const sd = await sdStandIn();
    sd.setMode('rate-limited');
    for (const body of ['not json', { nokey: 1 }, { key: 42 }]) {
      const res = await clearCache(sd, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ status: 'error', message: { key: ['The key field is required.'] } });
    }
    // A refused body does not use up the mode.
    expect((await clearCache(sd, { key: 'k' })).status).toBe(429);
    expect(JSON.parse(SD_ANSWERS.messege.body)).toEqual({ status: 'error', messege: 'Some legacy error' });
  });

  it('holds answers until released, whatever their mode; close releases a gate still held', async () => {
    const sd = await sdStandIn();
    sd.setMode('no-credits', { key: 'k2' });
    const gate = sd.hold();
    let answered = 0;
    const first = clearCache(sd, { key: 'k1' }).then((res) => {
      answered++;
      return res;
    });
    const second = clearCache(sd, { key: 'k2' }).then((res) => {
      answered++;
      return res;
    });
    await sd.waitForRequests(2, 5_000);
    // Unheld, an answer goes out in the microtasks after its arrival: by the next macrotask it would be written.
    await new Promise((resolve) => setImmediate(resolve));
    expect(sd.requests.map((r) => [r.answeredWith, r.answeredAt])).toEqual([
      ['success', undefined],
      ['no-credits', undefined],
    ]);
    expect(answered).toBe(0);
    gate.release();
    expect([(await first).status, (await second).status]).toEqual([200, 402]);
    expect((await clearCache(sd, { key: 'k1' })).status).toBe(200);

    sd.hold();
    const stuck = clearCache(sd, { key: 'k1' }).catch((error: unknown) => error);
    await sd.waitForRequests(4, 5_000);
    await settlesWithin(sd.close(), 5_000, 'end of sd.close() with a held answer');
    expect(await stuck).toBeInstanceOf(Error);
  });

  it('applies latency and a custom responder', async () => {
    const sd = await sdStandIn(150);
    sd.setResponder((req) => ({ status: 201, body: JSON.stringify({ echoed: req.json }) }));
    const started = performance.now();
    const res = await clearCache(sd, { key: 'k' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ echoed: { key: 'k' } });
  });
});

describe('Discord stand-in with the real discord.js client', () => {
  async function discordStandIn(options: Partial<DiscordStandInOptions> = {}): Promise<DiscordStandIn> {
    const discord = await startDiscordStandIn({ token: TOKEN, guildCreate: guildCreatePayload, ...options });
    cleanups.push(() => discord.close());
    return discord;
  }

  async function loggedInClient(
    discord: DiscordStandIn,
    intents: Intent[],
    options: Partial<ClientOptions> = {},
  ): Promise<Client> {
    const client = new Client({ ...options, intents, rest: { ...options.rest, api: discord.apiUrl } });
    cleanups.push(() => client.destroy());
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;
    return client;
  }

  function nextInteraction(client: Client): Promise<ChatInputCommandInteraction> {
    return new Promise((resolve) => {
      client.once(Events.InteractionCreate, (interaction) => {
        if (interaction.isChatInputCommand()) resolve(interaction);
      });
    });
  }

  it('logs in without the Guilds intent: READY only, guilds unavailable, no GUILD_CREATE', async () => {
    const guildId = makeSnowflake();
    const discord = await discordStandIn({ guilds: [{ id: guildId, channels: 4 }] });
    const client = await loggedInClient(discord, []);
    expect(discord.identifies).toMatchObject([{ intents: 0, accepted: true }]);
    expect(discord.connections[0]).toMatchObject({ v: '10', encoding: 'json' });
    expect(client.user?.id).toBe(discord.botUser.id);
    expect(client.application?.id).toBe(discord.applicationId);
    expect(client.guilds.cache.get(guildId)?.available).toBe(false);
    expect(client.channels.cache.size).toBe(0);
    const gatewayBot = discord.requests.find((r) => r.route === '/gateway/bot');
    expect(gatewayBot?.headers.authorization).toBe(`Bot ${TOKEN}`);
    const application = await client.application!.fetch();
    expect(application.bot?.id).toBe(discord.botUser.id);
    expect(await client.rest.get(Routes.user())).toMatchObject({ id: discord.botUser.id, bot: true });
  });

  it('sends GUILD_CREATE with the Guilds intent, and acknowledges heartbeats', async () => {
    const [a, b] = [makeSnowflake(), makeSnowflake()];
    const discord = await discordStandIn({
      heartbeatIntervalMs: 100,
      guilds: [{ id: a, name: 'Alpha', channels: 4, roles: 6, members: 42 }, { id: b }],
    });
    const client = await loggedInClient(discord, [GatewayIntentBits.Guilds]);
    const alpha = client.guilds.cache.get(a);
    expect(alpha?.available).toBe(true);
    expect(alpha?.name).toBe('Alpha');
    expect(alpha?.channels.cache.filter((c) => c.type === ChannelType.GuildText).size).toBe(4);
    expect(alpha?.roles.cache.size).toBe(6);
    expect(alpha?.roles.everyone.id).toBe(a);
    expect(alpha?.memberCount).toBe(42);
    expect(alpha?.members.me?.id).toBe(discord.botUser.id);
    expect(client.guilds.cache.get(b)?.roles.cache.size).toBe(5);
    await discord.waitUntil(() => discord.heartbeats >= 1, 2_000, 'a heartbeat');
    await discord.waitUntil(() => client.ws.ping >= 0, 2_000, 'a heartbeat ACK');
  });

  it('delivers a guild command with a resolved role option; deferReply then editReply', async () => {
    const guildId = makeSnowflake();
    const discord = await discordStandIn({ guilds: [{ id: guildId }] });
    const client = await loggedInClient(discord, []);
    const [registered] = await client
      .application!.commands.set([
        {
          name: 'access',
          description: 'Who may clear',
          options: [
            {
              type: 1,
              name: 'grant',
              description: 'Grant a role',
              options: [{ type: 8, name: 'role', description: 'Role', required: true }],
            },
          ],
        },
      ])
      .then((c) => [...c.values()]);
    expect(discord.commands().map((c) => c.name)).toEqual(['access']);

    const admin = discord.roleByName(guildId, 'Admin');
    const moderator = discord.roleByName(guildId, 'Moderator');
    const received = nextInteraction(client);
    const handle = discord.sendInteraction({
      guildId,
      userId: makeSnowflake(),
      roles: [admin.id],
      command: 'access',
      subcommand: 'grant',
      options: [roleOption('role', moderator.id)],
    });
    const interaction = await received;
    expect(interaction.commandId).toBe(registered?.id);
    expect(interaction.guildId).toBe(guildId);
    expect(interaction.context).toBe(InteractionContextType.Guild);
    expect(interaction.options.getSubcommand()).toBe('grant');
    expect(interaction.options.getRole('role', true).name).toBe('Moderator');
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.Administrator)).toBe(true);

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const edited = await interaction.editReply({ embeds: [{ title: 'Granted', description: `<@&${moderator.id}>` }] });
    expect(edited.embeds[0]?.title).toBe('Granted');

    const callback = await handle.callback;
    expect(callback).toMatchObject({
      status: 204,
      query: { with_response: 'false' },
      body: { type: 5, data: { flags: 64 } },
    });
    const reply = await handle.reply();
    expect(reply.kind).toBe('edit');
    expect(reply.request.method).toBe('PATCH');
    expect(reply.at).toBeGreaterThanOrEqual(handle.sentAt);
    expect(reply.body.embeds?.[0]?.title).toBe('Granted');
    expect(handle.original()?.flags).toBe(MessageFlags.Ephemeral);
    expect(handle.allRequests().map((r) => `${r.method} ${r.status}`)).toEqual(['POST 204', 'PATCH 200']);
  });

  it('an immediate ephemeral reply is callback type 4 with flags 64', async () => {
    const discord = await discordStandIn({ guilds: [{ id: makeSnowflake() }] });
    const client = await loggedInClient(discord, [GatewayIntentBits.Guilds]);
    const received = nextInteraction(client);
    const handle = discord.sendInteraction({ userId: makeSnowflake(), command: 'ping' });
    const interaction = await received;
    expect(interaction.inCachedGuild()).toBe(true);
    await interaction.reply({ content: 'pong', flags: MessageFlags.Ephemeral });
    expect(await handle.callback).toMatchObject({
      status: 204,
      body: { type: 4, data: { content: 'pong', flags: 64 } },
    });
    const reply = await handle.reply();
    expect(reply).toMatchObject({ kind: 'callback', body: { content: 'pong' } });
    // Discord forbids a second callback; discord.js would refuse locally, so ask the stand-in directly.
    const again = await fetch(`${discord.apiUrl}/v10/interactions/${handle.id}/${handle.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 4, data: { content: 'x' } }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ message: 'Interaction has already been acknowledged.', code: 40060 });
  });

  it('delivers a DM command: user instead of member, context BotDM', async () => {
    const discord = await discordStandIn({ guilds: [{ id: makeSnowflake() }] });
    // Without Partials.Channel discord.js leaves interaction.channel null for a DM it has not cached.
    const client = await loggedInClient(discord, [], { partials: [Partials.Channel] });
    const userId = makeSnowflake();
    const received = nextInteraction(client);
    const handle = discord.sendInteraction({ dm: true, userId, command: 'clearcache' });
    const interaction = await received;
    expect(interaction.inGuild()).toBe(false);
    expect(interaction.user.id).toBe(userId);
    expect(interaction.member).toBeNull();
    expect(interaction.context).toBe(InteractionContextType.BotDM);
    expect(interaction.channel?.type).toBe(ChannelType.DM);
    expect(interaction.channelId).toBe(handle.payload.channel.id);
    expect(handle.payload).not.toHaveProperty('guild_id');
    await interaction.deferReply();
    await interaction.followUp({ content: 'Only in a server.' });
    const reply = await handle.reply();
    expect(reply).toMatchObject({ kind: 'followup', body: { content: 'Only in a server.' } });
    expect(handle.followups()).toHaveLength(0);
  });

  it('parses multipart replies with files, and rejects pending waits on close', async () => {
    const discord = await discordStandIn({ guilds: [{ id: makeSnowflake() }] });
    const client = await loggedInClient(discord, []);
    const received = nextInteraction(client);
    const handle = discord.sendInteraction({ userId: makeSnowflake(), command: 'report' });
    const interaction = await received;
    await interaction.deferReply();
    await interaction.editReply({
      content: 'see file',
      files: [{ attachment: Buffer.from('hello'), name: 'log.txt' }],
    });
    const reply = await handle.reply();
    expect(reply.request.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(reply.request.files).toMatchObject([{ filename: 'log.txt', size: 5 }]);
    expect(reply.message).toMatchObject({ content: 'see file', attachments: [{ filename: 'log.txt', size: 5 }] });

    const pending = discord.sendInteraction({ userId: makeSnowflake(), command: 'never', timeoutMs: 60_000 }).reply();
    await client.destroy();
    await discord.close();
    await expect(pending).rejects.toThrow(/Discord stand-in: closed/);
  });

  it('answers the raw REST rules: 204 without content-type, with_response, unknown and late interactions', async () => {
    // Long enough that the callbacks meant to be in time are, on a loaded machine too.
    const discord = await discordStandIn({ guilds: [{ id: makeSnowflake() }], callbackDeadlineMs: 1_000 });
    await loggedInClient(discord, []);
    const post = (id: string, token: string, query: string, body: unknown): Promise<Response> =>
      fetch(`${discord.apiUrl}/v10/interactions/${id}/${token}/callback?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const first = discord.sendInteraction({ userId: makeSnowflake(), command: 'a' });
    const plain = await post(first.id, first.token, 'with_response=false', { type: 5 });
    expect(plain.status).toBe(204);
    expect(plain.headers.get('content-type')).toBeNull();
    expect(await plain.text()).toBe('');

    const second = discord.sendInteraction({ userId: makeSnowflake(), command: 'b' });
    const rich = await post(second.id, second.token, 'with_response=true', { type: 5 });
    expect(rich.status).toBe(200);
    expect(await rich.json()).toMatchObject({
      interaction: { id: second.id, response_message_loading: true },
      resource: { type: 5 },
    });

    const unknown = await post(makeSnowflake(), 'nope', 'with_response=false', { type: 5 });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Unknown interaction', code: 10062 });

    const late = discord.sendInteraction({ userId: makeSnowflake(), command: 'c' });
    await late.deadlinePassed();
    expect((await post(late.id, late.token, 'with_response=false', { type: 5 })).status).toBe(404);

    const empty = discord.sendInteraction({ userId: makeSnowflake(), command: 'd' });
    const refused = await post(empty.id, empty.token, 'with_response=false', { type: 4, data: {} });
    expect(await refused.json()).toEqual({ message: 'Cannot send an empty message', code: 50006 });

    const unanswered = discord.sendInteraction({ userId: makeSnowflake(), command: 'e', timeoutMs: 100 });
    await expect(unanswered.reply()).rejects.toThrow(/no visible reply for \/e .* within 100 ms/);
    expect(discord.requests.find((r) => r.status === 401)).toBeUndefined();
  });

  it("takes a modal (type 9) within Discord's limits, never in answer to a submitted form, and sends forms and components", async () => {
    const discord = await discordStandIn({ guilds: [{ id: makeSnowflake() }] });
    await loggedInClient(discord, []);
    const post = (id: string, token: string, body: unknown): Promise<Response> =>
      fetch(`${discord.apiUrl}/v10/interactions/${id}/${token}/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const modal = (title: string, label: string) => ({
      type: 9,
      data: {
        custom_id: 'f',
        title,
        components: [
          { type: 1, components: [{ type: 4, custom_id: 'k', style: 1, label, min_length: 16, max_length: 256 }] },
        ],
      },
    });
    const good = discord.sendInteraction({ userId: makeSnowflake(), command: 'a' });
    expect((await post(good.id, good.token, modal('T'.repeat(45), 'L'.repeat(45)))).status).toBe(204);
    expect((await good.callback).body).toMatchObject({ type: 9 });

    const long = discord.sendInteraction({ userId: makeSnowflake(), command: 'b' });
    const refused = await post(long.id, long.token, modal('T'.repeat(46), 'L'.repeat(46)));
    expect(refused.status).toBe(400);
    const errors = ((await refused.json()) as { errors: Record<string, unknown> }).errors;
    expect(Object.keys(errors).sort()).toEqual(['components', 'title']);
    expect(JSON.stringify(errors.components)).toContain('BASE_TYPE_BAD_LENGTH');

    const form = discord.sendInteraction({
      userId: makeSnowflake(),
      command: 'c',
      form: { customId: 'f', fields: { k: 'typed' } },
    });
    expect(form.payload).toMatchObject({
      type: 5,
      data: { custom_id: 'f', components: [{ type: 1, components: [{ type: 4, custom_id: 'k', value: 'typed' }] }] },
    });
    expect(await (await post(form.id, form.token, modal('T', 'L'))).json()).toMatchObject({ code: 40043 });

    const button = discord.sendInteraction({ userId: makeSnowflake(), command: 'd', component: { customId: 'b' } });
    expect(button.payload).toMatchObject({ type: 3, data: { custom_id: 'b', component_type: 2 } });
    expect((await post(button.id, button.token, { type: 4, data: { content: 'ok' } })).status).toBe(204);
    expect(
      discord.dispatches.filter((d) => d.event === 'INTERACTION_CREATE').map((d) => (d.data as { type: number }).type),
    ).toEqual([2, 2, 5, 3]);
  });

  it('serves and deletes roles, dispatching GUILD_ROLE_DELETE to a Guilds session', async () => {
    const guildId = makeSnowflake();
    const discord = await discordStandIn({ guilds: [{ id: guildId, roles: 4 }] });
    const client = await loggedInClient(discord, [GatewayIntentBits.Guilds]);
    const guild = client.guilds.cache.get(guildId)!;
    const doomed = discord.roleByName(guildId, 'Role 3');
    const added = discord.addRole(guildId, { name: 'Cache Clearers' });
    await discord.waitUntil(() => guild.roles.cache.has(added.id), 2_000, 'GUILD_ROLE_CREATE applied');
    expect(discord.deleteRole(guildId, doomed.id)).toBe(true);
    await discord.waitUntil(() => !guild.roles.cache.has(doomed.id), 2_000, 'GUILD_ROLE_DELETE applied');
    const fetched = await guild.roles.fetch(undefined, { force: true });
    expect([...fetched.keys()].sort()).toEqual([...discord.guild(guildId).roles.keys()].sort());
    expect(fetched.has(doomed.id)).toBe(false);
    expect(discord.requests.at(-1)).toMatchObject({ method: 'GET', route: `/guilds/${guildId}/roles`, status: 200 });
  });

  it('resumes after a dropped socket, and refuses wrong tokens', async () => {
    const discord = await discordStandIn({ guilds: [{ id: makeSnowflake() }] });
    const client = await loggedInClient(discord, []);
    const resumed = once(client, Events.ShardResume);
    await discord.disconnect(4000);
    await resumed;
    expect(discord.resumes).toMatchObject([{ accepted: true }]);
    expect(discord.identifies).toHaveLength(1);
    // The resumed session still carries interactions.
    const received = nextInteraction(client);
    discord.sendInteraction({ userId: makeSnowflake(), command: 'after-resume' });
    expect((await received).commandName).toBe('after-resume');

    const wrong = new Client({ intents: [], rest: { api: discord.apiUrl } });
    cleanups.push(() => wrong.destroy());
    await expect(wrong.login('wrong-token')).rejects.toMatchObject({ code: 'TokenInvalid' });

    const raw = new WebSocket(`${discord.gatewayUrl}/?v=10&encoding=json`);
    cleanups.push(async () => raw.terminate());
    const [hello] = (await once(raw, 'message')) as [Buffer];
    expect(JSON.parse(hello.toString())).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
    raw.send(JSON.stringify({ op: 2, d: { token: 'wrong', intents: 0, properties: {} } }));
    const [code] = (await once(raw, 'close')) as [number];
    expect(code).toBe(4004);
  });

  it('handles 150 concurrent deferred commands across 150 guilds', async () => {
    const guilds = Array.from({ length: 150 }, () => ({ id: makeSnowflake() }));
    const discord = await discordStandIn({ guilds });
    // Raised because @discordjs/rest queues interaction-webhook edits at 50/s by default.
    const client = await loggedInClient(discord, [], { rest: { globalRequestsPerSecond: 10_000 } });
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      await interaction.editReply(`done in ${interaction.guildId}`);
    });
    const handles = guilds.map(({ id }) =>
      discord.sendInteraction({ guildId: id, userId: makeSnowflake(), command: 'clearcache' }),
    );
    const replies = await Promise.all(handles.map((h) => h.reply(5_000)));
    for (const [i, reply] of replies.entries()) expect(reply.body.content).toBe(`done in ${guilds[i]?.id}`);
    expect(discord.requests.filter((r) => r.status >= 400)).toEqual([]);
  });
});

describe('Discord stand-in: shards', () => {
  async function discordStandIn(options: Partial<DiscordStandInOptions> = {}): Promise<DiscordStandIn> {
    const discord = await startDiscordStandIn({ token: TOKEN, guildCreate: guildCreatePayload, ...options });
    cleanups.push(() => discord.close());
    return discord;
  }

  async function shardedClient(
    discord: DiscordStandIn,
    options: Partial<ClientOptions>,
    intents: Intent[] = [],
  ): Promise<{ client: Client; received: Array<{ id: string; shard: number }> }> {
    const client = new Client({ ...options, intents, rest: { api: discord.apiUrl } });
    cleanups.push(() => client.destroy());
    const received: Array<{ id: string; shard: number }> = [];
    client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: { id: string }, shard: number) =>
      received.push({ id: data.id, shard }),
    );
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;
    return { client, received };
  }

  async function rawIdentify(discord: DiscordStandIn, d: Record<string, unknown>): Promise<number> {
    const raw = new WebSocket(`${discord.gatewayUrl}/?v=10&encoding=json`);
    cleanups.push(async () => raw.terminate());
    await once(raw, 'message');
    const closed = once(raw, 'close');
    raw.send(JSON.stringify({ op: 2, d: { token: TOKEN, intents: 0, properties: {}, ...d } }));
    const [code] = (await closed) as [number];
    return code;
  }

  it('refuses the Guilds intent (4014) unless given a GUILD_CREATE builder (only the benchmark bots ask for it)', async () => {
    const bare = await startDiscordStandIn({ token: TOKEN, guilds: [{ id: makeSnowflake() }] });
    cleanups.push(() => bare.close());
    expect(await rawIdentify(bare, { intents: 1, shard: [0, 1] })).toBe(4014);
  });

  it('makes guild ids on a chosen shard: (id >> 22) % count', () => {
    for (const count of [1, 2, 3, 16]) {
      for (let shard = 0; shard < count; shard += 1) {
        const id = makeSnowflake({ shard, count });
        expect(shardOf(id, count)).toBe(shard);
        expect(Number((BigInt(id) >> 22n) % BigInt(count))).toBe(shard);
      }
    }
    const [a, b] = [makeSnowflake({ shard: 1, count: 2 }), makeSnowflake()];
    expect(BigInt(b)).toBeGreaterThan(BigInt(a));
    expect(() => makeSnowflake({ shard: 2, count: 2 })).toThrow(/no shard 2 of 2/);
  });

  it('one client running two shards: one session per shard, each guild (READY, GUILD_CREATE, roles, interactions) on its own', async () => {
    const [a0, b0, a1, b1] = [
      makeSnowflake({ shard: 0, count: 2 }),
      makeSnowflake({ shard: 0, count: 2 }),
      makeSnowflake({ shard: 1, count: 2 }),
      makeSnowflake({ shard: 1, count: 2 }),
    ];
    const discord = await discordStandIn({ guilds: [a0, a1, b0, b1].map((id) => ({ id })), maxConcurrency: 2 });
    const readyGuilds = new Map<number, string[]>();
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      shards: [0, 1],
      shardCount: 2,
      rest: { api: discord.apiUrl },
    });
    cleanups.push(() => client.destroy());
    const received: Array<{ id: string; shard: number }> = [];
    const guildCreates: Array<{ id: string; shard: number }> = [];
    client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: { id: string }, shard: number) =>
      received.push({ id: data.id, shard }),
    );
    client.ws.on(GatewayDispatchEvents.GuildCreate, (data: { id: string }, shard: number) =>
      guildCreates.push({ id: data.id, shard }),
    );
    client.on(
      Events.Raw,
      (packet: { t?: string; d?: { guilds?: Array<{ id: string }>; shard?: [number, number] } }) => {
        if (packet.t === 'READY')
          readyGuilds.set(
            packet.d!.shard![0],
            packet.d!.guilds!.map((g) => g.id),
          );
      },
    );
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;

    expect(discord.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(
      discord
        .sessions()
        .map((s) => [s.shard, s.connected, s.live])
        .sort(),
    ).toEqual([
      [[0, 2], true, true],
      [[1, 2], true, true],
    ]);
    expect(readyGuilds.get(0)?.sort()).toEqual([a0, b0].sort());
    expect(readyGuilds.get(1)?.sort()).toEqual([a1, b1].sort());
    expect(
      guildCreates
        .filter((g) => g.shard === 0)
        .map((g) => g.id)
        .sort(),
    ).toEqual([a0, b0].sort());
    expect(
      guildCreates
        .filter((g) => g.shard === 1)
        .map((g) => g.id)
        .sort(),
    ).toEqual([a1, b1].sort());
    expect(client.guilds.cache.get(a1)?.shardId).toBe(1);

    const role = discord.addRole(a1, { name: 'On shard one' });
    await discord.waitUntil(
      () => client.guilds.cache.get(a1)?.roles.cache.has(role.id) === true,
      2_000,
      'GUILD_ROLE_CREATE applied',
    );
    expect(discord.dispatches.filter((d) => d.event === 'GUILD_ROLE_CREATE').map((d) => d.shard)).toEqual([[1, 2]]);

    const handles = [a0, a1, b0, b1].map((guildId) =>
      discord.sendInteraction({ guildId, userId: makeSnowflake(), command: 'ping' }),
    );
    const dm = discord.sendInteraction({ dm: true, userId: makeSnowflake(), command: 'ping' });
    await discord.waitUntil(() => received.length === 5, 2_000, 'five interactions');
    expect(handles.map((h) => discord.shardsOf(h.id))).toEqual([[[0, 2]], [[1, 2]], [[0, 2]], [[1, 2]]]);
    expect(discord.shardsOf(dm.id)).toEqual([[0, 2]]);
    expect(received.map((r) => [r.id, r.shard]).sort()).toEqual(
      [...handles.map((h, i) => [h.id, i % 2]), [dm.id, 0]].sort(),
    );
  });

  it('two clients, one shard each: each gets only its own guilds, and a dropped shard resumes alone', async () => {
    const [g0, g1] = [makeSnowflake({ shard: 0, count: 2 }), makeSnowflake({ shard: 1, count: 2 })];
    const discord = await discordStandIn({ guilds: [{ id: g0 }, { id: g1 }] });
    const zero = await shardedClient(discord, { shards: [0], shardCount: 2 });
    expect(() => discord.sendInteraction({ guildId: g1, userId: makeSnowflake(), command: 'x' })).toThrow(
      /no connected gateway session is on the shard of guild .*connected shards \(id\/count\): 0\/2/,
    );
    const one = await shardedClient(discord, { shards: [1], shardCount: 2 });
    const h0 = discord.sendInteraction({ guildId: g0, userId: makeSnowflake(), command: 'a' });
    const h1 = discord.sendInteraction({ guildId: g1, userId: makeSnowflake(), command: 'b' });
    await discord.waitUntil(() => zero.received.length + one.received.length === 2, 2_000, 'both interactions');
    expect(zero.received).toEqual([{ id: h0.id, shard: 0 }]);
    expect(one.received).toEqual([{ id: h1.id, shard: 1 }]);

    const resumed = once(one.client, Events.ShardResume);
    await discord.disconnect(4000, 1);
    await resumed;
    expect(discord.resumes).toMatchObject([{ accepted: true }]);
    expect(discord.identifies).toHaveLength(2);
    const again = discord.sendInteraction({ guildId: g1, userId: makeSnowflake(), command: 'c' });
    await discord.waitUntil(() => one.received.length === 2, 2_000, 'the interaction after the resume');
    expect(one.received[1]).toEqual({ id: again.id, shard: 1 });
    expect(zero.received).toHaveLength(1);
  });

  it("recommends a shard count: discord.js with shards 'auto' runs that many", async () => {
    const guilds = [makeSnowflake({ shard: 0, count: 3 }), makeSnowflake({ shard: 2, count: 3 })];
    const discord = await discordStandIn({
      guilds: guilds.map((id) => ({ id })),
      recommendedShards: 3,
      maxConcurrency: 3,
    });
    const { client, received } = await shardedClient(discord, { shards: 'auto' });
    expect(client.options.shardCount).toBe(3);
    expect(
      discord
        .sessions()
        .map((s) => s.shard)
        .sort(),
    ).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    const handle = discord.sendInteraction({ guildId: guilds[1]!, userId: makeSnowflake(), command: 'x' });
    await discord.waitUntil(() => received.length === 1, 2_000, 'the interaction');
    expect(received).toEqual([{ id: handle.id, shard: 2 }]);
    const info = (await client.rest.get(Routes.gatewayBot())) as {
      shards: number;
      session_start_limit: { max_concurrency: number };
    };
    expect(info).toMatchObject({ shards: 3, session_start_limit: { max_concurrency: 3 } });
  });

  it('refuses an invalid shard array (4010) and, when required, too few shards (4011)', async () => {
    const discord = await discordStandIn({ guilds: [{ id: makeSnowflake() }] });
    for (const shard of [[2, 2], [0], [-1, 2], [0, 0], [0.5, 2], 'zero', [0, 1, 2]]) {
      expect(await rawIdentify(discord, { shard }), JSON.stringify(shard)).toBe(4010);
    }
    expect(discord.identifies.every((i) => i.accepted)).toBe(true);
    expect(discord.sessions()).toEqual([]);

    const strict = await discordStandIn({ guilds: [{ id: makeSnowflake() }], requiredShards: 2 });
    expect(await rawIdentify(strict, {})).toBe(4011);
    expect(await rawIdentify(strict, { shard: [0, 1] })).toBe(4011);
    const info = await fetch(`${strict.apiUrl}/v10/gateway/bot`, { headers: { authorization: `Bot ${TOKEN}` } }).then(
      (r) => r.json() as Promise<{ shards: number }>,
    );
    expect(info.shards).toBe(2);
    // discord.js treats 4011 as final: the shard disconnects for good.
    const client = new Client({ intents: [], shards: [0], shardCount: 1, rest: { api: strict.apiUrl } });
    cleanups.push(() => client.destroy());
    const disconnected = once(client, Events.ShardDisconnect);
    void client.login(TOKEN).catch(() => undefined);
    const [event, shardId] = (await disconnected) as [{ code: number }, number];
    expect([event.code, shardId]).toEqual([4011, 0]);
  });
});

describe("the Discord stand-in's checks on command registrations", () => {
  const command = (extra: Record<string, unknown>, option: Record<string, unknown> = {}) => [
    {
      name: 'access',
      description: 'Who may clear',
      ...extra,
      options: [{ type: 1, name: 'list', description: 'List them', ...option }],
    },
  ];

  it('accepts localized descriptions and names for Discord locales, within 100 characters', () => {
    expect(
      validateCommands(
        command(
          {
            description_localizations: { de: 'Wer leeren darf', 'es-419': 'x'.repeat(100) },
            name_localizations: { ja: 'アクセス' },
          },
          { description_localizations: null },
        ),
      ),
    ).toBeUndefined();
  });

  it('refuses a localized description over 100 characters or empty, at its path', () => {
    const error = validateCommands(
      command({ description_localizations: { fr: 'x'.repeat(101) } }, { description_localizations: { ja: '' } }),
    );
    expect(error).toMatchObject({
      code: 50035,
      errors: {
        0: {
          description_localizations: { fr: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] } },
          options: { 0: { description_localizations: { ja: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] } } } },
        },
      },
    });
  });

  it('refuses a locale Discord does not have, and an invalid localized name', () => {
    const error = validateCommands(
      command({ description_localizations: { es: 'Quién puede' }, name_localizations: { de: 'Zugriff verwalten' } }),
    );
    expect(error?.errors).toMatchObject({
      0: {
        description_localizations: { es: { _errors: [{ code: 'BASE_TYPE_CHOICES' }] } },
        name_localizations: { de: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } },
      },
    });
  });
});
