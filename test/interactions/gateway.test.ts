/**
 * The gateway edge, with the real discord.js client against the Discord stand-in: one request
 * when the answer is ready, a deferral and an edit when it is not, and a fatal close reported.
 */
import { randomBytes } from 'node:crypto';
import { SlashCommandBuilder } from '@discordjs/builders';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClearService } from '../../src/core/clearing.js';
import { KeyService } from '../../src/core/keys.js';
import { GuildRecords } from '../../src/core/guilds.js';
import { createSdApi } from '../../src/core/sdapi.js';
import { createSealer } from '../../src/core/seal.js';
import { type Gateway, createGateway } from '../../src/gateway/gateway.js';
import type { Command } from '../../src/interactions/command.js';
import { createPipeline } from '../../src/interactions/pipeline.js';
import { info } from '../../src/interactions/replies.js';
import { parseConfig } from '../../src/config.js';
import { SecretSet, createLogger } from '../../src/logger.js';
import { type Store, openStore } from '../../src/store/index.js';
import type { LogLine } from '../support/bot-process.js';
import { embedOf, isEphemeral, people } from '../support/people.js';
import { TOKEN, type World, startWorld } from '../support/rig.js';
import { settlesWithin } from '../support/wait.js';

/** What the command waits for before it answers (an event the test controls): none by default. */
let hold: Promise<unknown> | undefined;
const hello: Command = {
  data: new SlashCommandBuilder().setName('hello').setDescription('answers'),
  access: 'admin',
  visibility: 'public',
  async execute() {
    if (hold) await settlesWithin(hold, 15_000, 'event the command was held for');
    return { outcome: 'ok', embeds: [info('Hello', 'still here')] };
  },
};

let world: World & { closeWorld(): Promise<void> };
let store: Store;
let gateway: Gateway;
const fatal: string[] = [];
const logs: LogLine[] = [];

beforeAll(async () => {
  world = await startWorld({ guilds: 1 });
  store = await openStore(world.env.DATABASE_URL!);
  const secrets = new SecretSet();
  secrets.pin(TOKEN);
  const log = createLogger({
    level: 'info',
    format: 'json',
    secrets,
    destination: { write: (l: string) => void logs.push(JSON.parse(l) as LogLine) },
  });
  const guilds = new GuildRecords(store, createSealer(randomBytes(32)));
  const clears = new ClearService({
    api: createSdApi({ baseUrl: world.sd.baseUrl, timeoutMs: 1000 }),
    guilds,
    cooldownS: 0,
    apiTimeoutMs: 1000,
    storeDeadlineMs: store.deadlineMs,
  });
  const pipeline = createPipeline(new Map([['hello', hello]]), {
    guilds,
    clears,
    keys: new KeyService({ api: createSdApi({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 }), guilds }),
    discord: { guildRoleIds: async () => new Set() },
    log,
  });
  gateway = createGateway(parseConfig(world.env), pipeline, log, (reason) => fatal.push(reason));
  await gateway.start();
});
afterAll(async () => {
  await gateway?.stop();
  await store?.close();
  await world?.closeWorld();
});

it('answers in one request when the answer is ready within the budget', async () => {
  hold = undefined;
  const handle = world.discord.sendInteraction({
    ...people(world.discord, world.guildIds[0]!).admin,
    command: 'hello',
  });
  const reply = await handle.reply();
  expect(reply.kind).toBe('callback');
  expect(embedOf(reply).title).toBe('Hello');
  expect(isEphemeral(reply)).toBe(false);
  expect(handle.allRequests().map((r) => r.method)).toEqual(['POST']);
});

it('defers, then edits the answer in, when the answer is slower than the budget', async () => {
  const handle = world.discord.sendInteraction({
    ...people(world.discord, world.guildIds[0]!).admin,
    command: 'hello',
  });
  hold = handle.callback; // the answer is ready only once the interaction is acknowledged: slower than any budget
  const callback = await handle.callback;
  expect(callback.body).toEqual({ type: 5, data: {} });
  expect(callback.at - handle.sentAt).toBeLessThan(3000);
  const reply = await handle.reply();
  expect(reply.kind).toBe('edit');
  expect(embedOf(reply).title).toBe('Hello');
  expect(handle.allRequests().map((r) => r.method)).toEqual(['POST', 'PATCH']);
});

it('a fatal gateway close (4004, the token was reset) is reported, naming DISCORD_TOKEN', async () => {
  await world.discord.disconnect(4004);
  await world.discord.waitUntil(() => fatal.length > 0, 15_000, 'the fatal report');
  expect(fatal[0]).toMatch(/DISCORD_TOKEN was refused by the gateway \(close code 4004\)/);
  expect(logs.find((l) => l.msg === 'gateway closed for good')).toMatchObject({ level: 50, code: 4004 });
});
