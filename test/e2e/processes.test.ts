/**
 * Several processes, one truth: two built bots as HTTP workers behind a "load balancer" (the
 * Discord stand-in picks the endpoint per interaction), sharing one PostgreSQL database, and again
 * one Redis database. One clear in flight per server across both, the cooldown across both, a key
 * set in one used by the other, grants made in both at once all landing, and a worker killed mid-
 * clear holding nothing past its deadline. Skipped with a visible line where a server is absent.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { type InteractionSpec, type VisibleReply, roleOption, stringOption } from '../support/discord-standin.js';
import { embedOf, isEphemeral, people } from '../support/people.js';
import { type World, startWorld } from '../support/rig.js';
import { type TestDatabase, postgresDatabase, redisDatabase } from '../support/servers.js';

/** Well above the HTTP answer budget (2 s), so a clear held at the API is still in flight when both workers have deferred. */
const SD_TIMEOUT_MS = 4000;
/** The store's deadline for these bots: shorter than the default, so a dead holder's clear expires sooner. */
const STORE_TIMEOUT_MS = 4000;
/** What the bot adds to SD_API_TIMEOUT_MS before a dead holder's clear expires: the take's and the record's store deadlines, 3 s (src/core/clearing.ts). */
const HOLD_MARGIN_MS = 2 * STORE_TIMEOUT_MS + 3000;

describe.each([
  ['PostgreSQL', postgresDatabase],
  ['Redis', redisDatabase],
] as const)('two bot processes sharing %s', (_name, create) => {
  let db: TestDatabase | undefined;
  let world: (World & { closeWorld(): Promise<void> }) | undefined;
  const bots: Array<{ process: BotProcess; endpoint: string }> = [];
  let nextGuild = 0;

  const startWorker = async () => {
    const process = startBotProcess(world!.env, world!.dir);
    const ready = await process.waitForLog((l) => l.msg === 'ready', 20_000, 'the ready line');
    const worker = { process, endpoint: `http://${String(ready.http)}/interactions` };
    bots.push(worker);
    return worker;
  };
  const via = (worker: { endpoint: string }, spec: InteractionSpec) =>
    world!.discord.sendInteraction({ ...spec, endpoint: worker.endpoint }).reply(15_000);
  const fresh = () => {
    const guildId = world!.guildIds[nextGuild++]!;
    return { guildId, as: people(world!.discord, guildId) };
  };
  const setKey = (worker: { endpoint: string }, as: ReturnType<typeof people>, key: string) =>
    via(worker, { ...as.admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', key)] });
  // Clears only: a key set is checked with wallet_balance first.
  const sent = (key: string) =>
    world!.sd.requests.filter(
      (r) => r.path === '/api/v5/clear_cache' && (r.json as { key?: string } | undefined)?.key === key,
    ).length;

  beforeAll(async () => {
    db = await create();
    if (!db) return;
    world = await startWorld({ guilds: 6 });
    Object.assign(world.env, {
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      INTERACTIONS_MODE: 'http',
      DISCORD_PUBLIC_KEY: world.discord.publicKey,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      CLEARCACHE_COOLDOWN_S: '30',
      SD_API_TIMEOUT_MS: String(SD_TIMEOUT_MS),
      STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS),
    });
    await Promise.all([startWorker(), startWorker()]);
  }, 60_000);
  afterAll(async () => {
    for (const { process } of bots.splice(0)) await process.stop('SIGKILL').catch(() => undefined);
    await world?.closeWorld();
    await db?.drop();
  });

  it("the same server's /clearcache sent to both at once makes one API call, and both show its result", async (ctx) => {
    if (!db) return ctx.skip();
    const [a, b] = bots as [(typeof bots)[0], (typeof bots)[0]];
    const { as } = fresh();
    const key = `shared-${randomBytes(8).toString('hex')}`;
    await setKey(a, as, key);
    // The API answers only once both workers have deferred: each has then spent its whole answer
    // budget on this clear, so the one that did not call the API is surely waiting on the other's.
    const gate = world!.sd.hold();
    try {
      const handles = [
        world!.discord.sendInteraction({ ...as.admin, command: 'clearcache', endpoint: a.endpoint }),
        world!.discord.sendInteraction({ ...as.mod, command: 'clearcache', endpoint: b.endpoint }),
      ];
      await Promise.all(handles.map((h) => h.callback));
      gate.release();
      const [one, two] = (await Promise.all(handles.map((h) => h.reply(15_000)))) as [VisibleReply, VisibleReply];
      expect(sent(key)).toBe(1);
      expect([embedOf(one).title, embedOf(two).title]).toEqual(['Cache cleared', 'Cache cleared']);
      expect([one, two].filter((r) => embedOf(r).all.includes('already running'))).toHaveLength(1);
    } finally {
      gate.release();
    }
  });

  it('a cooldown armed through one holds in the other; a key set through the other ends it and is the one used', async (ctx) => {
    if (!db) return ctx.skip();
    const [a, b] = bots as [(typeof bots)[0], (typeof bots)[0]];
    const { as } = fresh();
    const first = `first-${randomBytes(8).toString('hex')}`;
    await setKey(a, as, first);
    expect(embedOf(await via(a, { ...as.admin, command: 'clearcache' })).title).toBe('Cache cleared');
    const wait = await via(b, { ...as.admin, command: 'clearcache' });
    expect(embedOf(wait).title).toBe('Please wait');
    expect(isEphemeral(wait)).toBe(true);
    expect(sent(first)).toBe(1);

    const second = `second-${randomBytes(8).toString('hex')}`;
    expect(embedOf(await setKey(b, as, second)).title).toBe('API key checked and saved');
    expect(embedOf(await via(a, { ...as.admin, command: 'clearcache' })).title).toBe('Cache cleared');
    expect(sent(second)).toBe(1);
  });

  it('grants made through both at once all land, each with its audit line', async (ctx) => {
    if (!db) return ctx.skip();
    const { guildId, as } = fresh();
    const roles = Array.from({ length: 12 }, (_, i) => world!.discord.addRole(guildId, { name: `Team ${i}` }).id);
    const replies = await Promise.all(
      roles.map((id, i) =>
        via(bots[i % 2]!, { ...as.admin, command: 'access', subcommand: 'grant', options: [roleOption('role', id)] }),
      ),
    );
    expect(replies.every((r) => embedOf(r).title === 'Access granted')).toBe(true);
    const list = await via(bots[0]!, { ...as.admin, command: 'access', subcommand: 'list' });
    for (const id of roles) expect(embedOf(list).description).toContain(`<@&${id}>`);
    const audit = await via(bots[1]!, { ...as.admin, command: 'audit' });
    expect(
      embedOf(audit)
        .description.split('\n')
        .filter((l) => l.includes('granted')),
    ).toHaveLength(10); // the newest 10 of 12
  });

  it('a worker killed mid-clear blocks the server only until its clear expires; the other then clears', async (ctx) => {
    if (!db) return ctx.skip();
    const [a, b] = bots as [(typeof bots)[0], (typeof bots)[0]];
    const { as } = fresh();
    const key = `orphan-${randomBytes(8).toString('hex')}`;
    await setKey(a, as, key);
    world!.sd.setMode('hang', { key });
    const doomed = world!.discord.sendInteraction({ ...as.admin, command: 'clearcache', endpoint: a.endpoint });
    await world!.sd.waitForRequests(world!.sd.requests.length + 1, 5000);
    const killedAt = performance.now();
    await a.process.stop('SIGKILL');
    world!.sd.setMode('success', { key });

    const handle = world!.discord.sendInteraction({
      ...as.mod,
      command: 'clearcache',
      endpoint: b.endpoint,
      timeoutMs: 30_000,
    });
    const callback = await handle.callback;
    expect(callback.at - handle.sentAt).toBeLessThan(3000); // deferred while it waits for the dead holder
    const reply = await handle.reply(30_000); // the dead holder's hold (15 s here), then the survivor's clear
    expect(embedOf(reply).title).toBe('Cache cleared');
    // The survivor takes over when it sends its own request: measured there, not at its answer,
    // which also holds the survivor's own work (store write, edit) on a loaded machine.
    const takeover = world!.sd.requests.filter((r) => (r.json as { key?: string } | undefined)?.key === key)[1];
    expect(takeover!.at - killedAt).toBeLessThan(SD_TIMEOUT_MS + HOLD_MARGIN_MS + 2000);
    expect(sent(key)).toBe(2); // the dead worker's request, and the survivor's own
    expect(doomed.allRequests().length).toBeLessThanOrEqual(1);
    await startWorker(); // keep two workers for any later test
  }, 45_000);
});
