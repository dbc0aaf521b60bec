/**
 * The dispatcher's own promises, with commands made for the purpose, through the real client:
 * an unexpected error becomes a generic private reply and a log line, and the bot goes on.
 */
import { randomBytes } from 'node:crypto';
import { type Client, Events, SlashCommandBuilder } from 'discord.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../src/bot/client.js';
import type { BotCommand } from '../../src/bot/commands.js';
import { type Dispatcher, createDispatcher } from '../../src/bot/dispatch.js';
import { info } from '../../src/bot/replies.js';
import { ClearService } from '../../src/core/clearing.js';
import { GuildStore } from '../../src/core/guilds.js';
import { createSdApi } from '../../src/core/sdapi.js';
import { createSealer } from '../../src/core/seal.js';
import { SecretSet, createLogger } from '../../src/logger.js';
import { type Store, openStore } from '../../src/store.js';
import type { LogLine } from '../support/bot-process.js';
import { embedOf, isEphemeral, people } from '../support/people.js';
import { TOKEN, type World, startWorld } from '../support/rig.js';

const boom: BotCommand = {
  data: new SlashCommandBuilder().setName('boom').setDescription('throws'),
  access: 'admin',
  defer: 'public',
  execute: async () => {
    throw new Error(`kaboom with ${TOKEN}`);
  },
};
const hello: BotCommand = {
  data: new SlashCommandBuilder().setName('hello').setDescription('answers'),
  access: 'operator',
  defer: 'ephemeral',
  execute: async () => ({ outcome: 'ok', embeds: [info('Hello', 'still here')] }),
};

const slow: BotCommand = {
  data: new SlashCommandBuilder().setName('slow').setDescription('takes its time'),
  access: 'admin',
  defer: 'ephemeral',
  execute: async () => {
    await new Promise((r) => setTimeout(r, 400));
    return { outcome: 'ok', embeds: [info('Slow', 'done')] };
  },
};

let world: World & { closeWorld(): Promise<void> };
let client: Client;
let store: Store;
let dispatcher: Dispatcher;
const logs: LogLine[] = [];

beforeAll(async () => {
  world = await startWorld({ guilds: 1 });
  store = await openStore(world.env.DATABASE_URL!);
  const secrets = new SecretSet();
  secrets.add(TOKEN);
  const log = createLogger({ level: 'info', format: 'json', secrets, destination: { write: (l: string) => void logs.push(JSON.parse(l) as LogLine) } });
  const guilds = new GuildStore(store.keyv, createSealer(randomBytes(32)));
  const clears = new ClearService({ api: createSdApi({ baseUrl: world.sd.baseUrl, timeoutMs: 1000 }), guilds, cooldownS: 0 });
  dispatcher = createDispatcher(new Map([['boom', boom], ['hello', hello], ['slow', slow]]), { guilds, clears, log });
  client = createClient({ discordApiUrl: world.discord.apiUrl });
  client.on(Events.InteractionCreate, (i) => void dispatcher.handle(i));
  await client.login(TOKEN);
});
afterAll(async () => {
  await client?.destroy();
  await store?.close();
  await world?.closeWorld();
});

it('an unexpected error becomes a generic reply and a log line, and the next interaction works', async () => {
  const as = people(world.discord, world.guildIds[0]!);
  const reply = await world.run({ ...as.admin, command: 'boom' });
  expect(embedOf(reply)).toMatchObject({ title: 'Something went wrong', description: expect.stringContaining('logged it') });
  const line = logs.find((l) => l.msg === 'command failed');
  expect(line).toMatchObject({ command: 'boom', userId: as.admin.userId, level: 50 });
  expect(JSON.stringify(logs)).not.toContain(TOKEN);
  expect(JSON.stringify(logs)).toContain('kaboom with [redacted]');
  await world.discord.waitUntil(() => logs.some((l) => l.msg === 'interaction' && l.command === 'boom'), 2000, 'the interaction line');
  expect(logs.find((l) => l.msg === 'interaction' && l.command === 'boom')).toMatchObject({ outcome: 'error' });

  const next = await world.run({ ...as.member, command: 'hello' });
  expect(embedOf(next).title).toBe('Not allowed'); // operator command, member without a granted role
  const admin = await world.run({ ...as.admin, command: 'hello' });
  expect(embedOf(admin).title).toBe('Hello');
  expect(isEphemeral(admin)).toBe(true);
});

it('drain waits for the interactions in hand, up to its limit', async () => {
  const as = people(world.discord, world.guildIds[0]!);
  const handle = world.discord.sendInteraction({ ...as.admin, command: 'slow' });
  await handle.callback;
  let started = performance.now();
  await dispatcher.drain(50); // gives up at its limit
  expect(performance.now() - started).toBeLessThan(250);
  started = performance.now();
  await dispatcher.drain(5000); // waits for the answer
  expect(handle.allRequests().some((r) => r.method === 'PATCH')).toBe(true);
  expect(performance.now() - started).toBeLessThan(1000);
});
