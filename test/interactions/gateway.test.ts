import { SlashCommandBuilder } from '@discordjs/builders';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Gateway, createGateway } from '../../src/gateway/gateway.js';
import type { Command } from '../../src/interactions/command.js';
import { createPipeline } from '../../src/interactions/pipeline.js';
import { info } from '../../src/interactions/replies.js';
import { parseConfig } from '../../src/config.js';
import { SecretSet } from '../../src/logger.js';
import { type Store, openStore } from '../../src/store/index.js';
import type { LogLine } from '../support/bot-process.js';
import { embedOf, isEphemeral, people } from '../support/people.js';
import { TOKEN, type World, startWorld } from '../support/rig.js';
import { settlesWithin } from '../support/wait.js';
import { pipelineServices } from '../support/services.js';

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
  const services = pipelineServices(store, { logs, secrets, sdApiBaseUrl: world.sd.baseUrl, apiTimeoutMs: 1000 });
  const pipeline = createPipeline(new Map([['hello', hello]]), services);
  gateway = createGateway(parseConfig(world.env), pipeline, services.log, (reason) => fatal.push(reason));
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
