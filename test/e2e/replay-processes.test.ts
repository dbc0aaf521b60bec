/**
 * A replay sent to another process: two built bots as HTTP workers sharing one store (one SQLite
 * file, one PostgreSQL database, one Redis database). A signed request answered by one worker and
 * sent again to the other gets 409 there, and nothing runs twice. Skipped with a visible line
 * where a server is absent.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, startBotProcess } from '../support/bot-process.js';
import { deliver } from '../support/discord-http.js';
import { embedOf, people } from '../support/people.js';
import { type World, startWorld } from '../support/rig.js';
import { type TestDatabase, postgresDatabase, redisDatabase } from '../support/servers.js';

const sqliteFile = async (): Promise<TestDatabase> => ({ url: '', drop: async () => undefined });

describe.each([
  ['one SQLite file', sqliteFile],
  ['PostgreSQL', postgresDatabase],
  ['Redis', redisDatabase],
] as const)('two workers sharing %s', (_name, create) => {
  let db: TestDatabase | undefined;
  let world: (World & { closeWorld(): Promise<void> }) | undefined;
  const workers: Array<{ process: BotProcess; endpoint: string }> = [];

  const startWorker = async () => {
    const process = startBotProcess(world!.env, world!.dir);
    const ready = await process.waitForLog((l) => l.msg === 'ready', 20_000, 'the ready line');
    workers.push({ process, endpoint: `http://${String(ready.http)}/interactions` });
  };

  beforeAll(async () => {
    db = await create();
    if (!db) return;
    world = await startWorld({ guilds: 1, mode: 'http' });
    Object.assign(world.env, {
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    });
    // One after the other: the first prepares the store the second then opens.
    await startWorker();
    await startWorker();
  }, 60_000);
  afterAll(async () => {
    for (const { process } of workers.splice(0)) await process.stop('SIGKILL').catch(() => undefined);
    await world?.closeWorld();
    await db?.drop();
  });

  it('a request answered by one worker and replayed to the other gets 409 there; the command ran once', async (ctx) => {
    if (!db) return ctx.skip();
    const [a, b] = workers as [(typeof workers)[0], (typeof workers)[0]];
    const as = people(world!.discord, world!.guildIds[0]!);
    const handle = world!.discord.sendInteraction({ ...as.admin, command: 'audit', endpoint: a.endpoint });
    expect(embedOf(await handle.reply()).title).toMatch(/^Audit trail/);

    const body = JSON.stringify(handle.payload);
    const replayed = await deliver(b.endpoint, body, world!.discord.signer.headers(body));
    expect(replayed.status).toBe(409);
    await b.process.waitForLog((l) => l.level === 40 && /received again/.test(l.msg), 5000, 'the replay warning');
    expect(b.process.logs().some((l) => l.msg === 'interaction')).toBe(false);
    // And a fresh interaction through the second worker is answered as ever.
    expect(
      embedOf(await world!.discord.sendInteraction({ ...as.admin, command: 'audit', endpoint: b.endpoint }).reply())
        .title,
    ).toMatch(/^Audit trail/);
  });
});
