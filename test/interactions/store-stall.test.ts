import { performance } from 'node:perf_hooks';
import type { APIEmbed, APIInteractionResponse } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GuildRecords } from '../../src/core/guilds.js';
import { loadCommands } from '../../src/interactions/command.js';
import { receive } from '../../src/interactions/interaction.js';
import { type AnswerMessage, type Pipeline, type Transport, createPipeline } from '../../src/interactions/pipeline.js';
import { SecretSet, createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/index.js';
import type { LogLine } from '../support/bot-process.js';
import { GUILD_ID, commandPayload } from '../support/input.js';
import { type TestDatabase, openStoreForStallTest, redisDatabase } from '../support/servers.js';
import { type TcpProxy, tcpProxy } from '../support/tcp-proxy.js';
import { pipelineServices } from '../support/services.js';

const DEADLINE_MS = 400;
const SLACK_MS = 1500;
const ROLE = { id: '600000000000000009', name: 'Ops', managed: false };

/** The answer as the caller sees it, whether it came as the reply or as the edit after a deferral. */
/** For the parse at the edge: every payload here is a command, so it logs nothing. */
const quiet = createLogger({
  level: 'silent',
  format: 'json',
  secrets: new SecretSet(),
  destination: { write: () => undefined },
});

async function ask(
  pipeline: Pipeline,
  spec: Parameters<typeof commandPayload>[0],
): Promise<{ embed: APIEmbed; ms: number }> {
  const responses: APIInteractionResponse[] = [];
  const edits: AnswerMessage[] = [];
  const transport: Transport = {
    budgetMs: 100,
    respond: async (r) => void responses.push(r),
    edit: async (m) => void edits.push(m),
  };
  const started = performance.now();
  const received = receive(
    commandPayload({ admin: true, ...spec }),
    { transport: () => transport, arrivedAt: started },
    quiet,
  );
  if (received.kind !== 'command') throw new Error(received.reason);
  await pipeline.handle(received.interaction);
  const first = responses[0];
  const embed = edits[0]?.embeds[0] ?? (first?.type === 4 ? first.data?.embeds?.[0] : undefined);
  if (!embed) throw new Error(`no answer: ${JSON.stringify({ responses, edits })}`);
  return { embed, ms: performance.now() - started };
}

describe('commands while the Redis server stops answering', () => {
  let db: TestDatabase | undefined;
  let proxy: TcpProxy;
  let store: Store;
  let guilds: GuildRecords;
  let pipeline: Pipeline;
  /** When set, the next write to the store first makes the proxy black-hole: the read before it went through. */
  let stallAtWrite = false;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    db = await redisDatabase();
    if (!db) return;
    proxy = await tcpProxy(db.url);
    store = await openStoreForStallTest(proxy.url, DEADLINE_MS);
    const records = Object.assign(Object.create(store) as Store, {
      write: (key: string, value: unknown, version: string | undefined) => {
        if (stallAtWrite) proxy.blackHole();
        return store.write(key, value, version);
      },
    });
    const services = pipelineServices(store, { logs, records, roleIds: [ROLE.id] });
    guilds = services.guilds;
    pipeline = createPipeline(await loadCommands(), services);
  });
  afterEach(async () => {
    stallAtWrite = false;
    proxy?.resume();
    // Back to answering before the next test: a read goes through.
    for (let i = 0; i < 50; i++)
      if (
        await store.ping().then(
          () => true,
          () => false,
        )
      )
        break;
  });
  afterAll(async () => {
    await store?.close().catch(() => undefined);
    await proxy?.close();
    await db?.drop();
  });

  it('/help answers without the store, in time; a command that needs it says storage is unavailable', async (ctx) => {
    if (!db) return ctx.skip();
    proxy.blackHole();
    const help = await ask(pipeline, { command: 'help' });
    expect(help.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(help.embed.title).toBe('Stable Diffusion cache bot');
    const status = await ask(pipeline, { command: 'apikey', subcommand: 'status' });
    expect(status.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(status.embed.title).toBe('Storage unavailable');
    expect(status.embed.description).toContain('nothing was changed');
  });

  it.for([
    [
      '/apikey set',
      { command: 'apikey', subcommand: 'set', options: [{ name: 'key', type: 3, value: 'stalled-write-key-4321' }] },
      '`/apikey status`',
    ],
    [
      '/access grant',
      {
        command: 'access',
        subcommand: 'grant',
        options: [{ name: 'role', type: 8, value: ROLE.id }],
        resolvedRoles: [ROLE],
      },
      '`/access list`',
    ],
  ] as Array<[string, Parameters<typeof commandPayload>[0], string]>)(
    '%s whose write gets no answer: "outcome unknown", how to check, and never "nothing was changed"',
    async ([, spec, check], ctx) => {
      if (!db) return ctx.skip();
      stallAtWrite = true;
      const answer = await ask(pipeline, spec);
      expect(answer.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(answer.embed.title).toBe('Outcome unknown: the database did not answer in time');
      expect(answer.embed.description).toContain(check);
      expect(answer.embed.description).not.toMatch(/nothing was changed/);
      expect(logs.findLast((l) => l.msg === 'store unavailable')).toMatchObject({ written: 'unknown' });
    },
  );

  it('what "unknown" means: the write held back lands once the server answers again', async (ctx) => {
    if (!db) return ctx.skip();
    stallAtWrite = true;
    await ask(pipeline, { command: 'apikey', subcommand: 'remove' });
    stallAtWrite = false;
    proxy.resume();
    // The earlier /apikey set landed after all, and so did this removal.
    const settings = await guilds.settings(GUILD_ID);
    expect(settings.apiKey).toBeUndefined();
    expect(settings.roles).toEqual([ROLE.id]);
    expect(settings.audit.map((e) => e.action)).toEqual(['key-set', 'role-grant', 'key-remove']);
  });
});
