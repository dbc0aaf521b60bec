/**
 * Shards, end to end with the built bot: two processes (SHARD_IDS=0 and SHARD_IDS=1 of
 * SHARD_COUNT=2) share one SQLite store, each answering the servers of its own shard as the Discord
 * stand-in routes them, `(guild_id >> 22) % 2`; a shard moves from one to the other with the store
 * intact; SHARD_COUNT=auto takes Discord's recommendation; too few shards stop the bot, naming SHARD_COUNT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, type LogLine, startBotProcess } from '../support/bot-process.js';
import { makeSnowflake, stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { TOKEN, type World, startWorld } from '../support/rig.js';

const onShard = (shard: number) => makeSnowflake({ shard, count: 2 });
const isReady = (l: LogLine) => l.msg === 'ready';
const interactionLine = (bot: BotProcess, guildId: string) =>
  bot.logs().find((l) => l.msg === 'interaction' && l.guildId === guildId);

describe('two processes, SHARD_IDS=0 and SHARD_IDS=1 of SHARD_COUNT=2, one SQLite store', () => {
  // Two servers per shard.
  const guildIds = [onShard(0), onShard(1), onShard(0), onShard(1)];
  const shardOfGuild = [0, 1, 0, 1];
  let world: World & { closeWorld(): Promise<void> };
  const bots: BotProcess[] = [];

  beforeAll(async () => {
    world = await startWorld({ guildIds, env: { SHARD_COUNT: '2' }, discord: { maxConcurrency: 2 } });
    // Started together, as two hosts (or two units) would be: the same store file, no key yet.
    bots.push(
      startBotProcess({ ...world.env, SHARD_IDS: '0' }, world.dir),
      startBotProcess({ ...world.env, SHARD_IDS: '1' }, world.dir),
    );
    await Promise.all(bots.map((bot) => bot.waitForLog(isReady, 15_000, 'the ready line')));
  });
  afterAll(async () => {
    await Promise.allSettled(bots.map((bot) => bot.stop('SIGKILL')));
    await world?.closeWorld();
  });

  it('each logs ready with its shard, of two, on its own gateway session', () => {
    const [zero, one] = bots as [BotProcess, BotProcess];
    expect(zero.logs().find(isReady)).toMatchObject({ mode: 'gateway', shards: [0], shardCount: 2 });
    expect(one.logs().find(isReady)).toMatchObject({ mode: 'gateway', shards: [1], shardCount: 2 });
    expect(
      zero
        .logs()
        .filter((l) => l.msg === 'gateway shard ready')
        .map((l) => [l.shard, l.shardCount]),
    ).toEqual([[0, 2]]);
    expect(
      one
        .logs()
        .filter((l) => l.msg === 'gateway shard ready')
        .map((l) => [l.shard, l.shardCount]),
    ).toEqual([[1, 2]]);
    expect(world.discord.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(world.discord.sessions().filter((s) => s.live && s.connected)).toHaveLength(2);
  });

  it("each server's commands are answered by the process that runs its shard, and only by it", async () => {
    const replies = await Promise.all(
      guildIds.map((guildId) =>
        world.run({ ...people(world.discord, guildId).admin, command: 'apikey', subcommand: 'status' }),
      ),
    );
    for (const reply of replies) expect(embedOf(reply).title).toMatch(/API key/);
    // The line is written just after the answer is delivered: wait for it, in the process that should write it.
    await Promise.all(
      guildIds.map((g, i) =>
        bots[shardOfGuild[i]!]!.waitForLog(
          (l) => l.msg === 'interaction' && l.guildId === g,
          15_000,
          `the interaction line of guild ${i}`,
        ),
      ),
    );
    guildIds.forEach((guildId, i) => {
      const shard = shardOfGuild[i]!;
      expect(interactionLine(bots[shard]!, guildId), `guild ${i}`).toMatchObject({ shard, outcome: 'ok' });
      expect(interactionLine(bots[1 - shard]!, guildId), `guild ${i}`).toBeUndefined();
    });
  });

  it('both write the one store at once: keys set through each process all clear with their own key', async () => {
    const keys = guildIds.map((_, i) => `shared-store-key-${i}-${Math.random().toString(36).slice(2, 10)}`);
    const saved = await Promise.all(
      guildIds.map((guildId, i) =>
        world.run({
          ...people(world.discord, guildId).admin,
          command: 'apikey',
          subcommand: 'set',
          options: [stringOption('key', keys[i]!)],
        }),
      ),
    );
    for (const reply of saved) expect(embedOf(reply).title).toBe('API key checked and saved');
    world.sd.setMode('success');
    const cleared = await Promise.all(
      guildIds.map((guildId) => world.run({ ...people(world.discord, guildId).admin, command: 'clearcache' })),
    );
    for (const reply of cleared) expect(embedOf(reply).title).toBe('Cache cleared');
    expect(
      world.sd.requests
        .slice(-4)
        .map((r) => (r.json as { key: string }).key)
        .sort(),
    ).toEqual([...keys].sort());
  });

  it('a key set through the SHARD_IDS=1 process is used by a /clearcache that arrives through the other, once it takes shard 1 over', async () => {
    const guildId = guildIds[1]!; // shard 1
    const key = `handover-key-0${Math.random().toString(36).slice(2, 12)}`; // a digit: a key under 32 characters must mix them in
    const [zero, one] = bots as [BotProcess, BotProcess];
    expect(
      embedOf(
        await world.run({
          ...people(world.discord, guildId).admin,
          command: 'apikey',
          subcommand: 'set',
          options: [stringOption('key', key)],
        }),
      ).title,
    ).toBe('API key checked and saved');
    await one.waitForLog(
      (l) => l.msg === 'interaction' && l.guildId === guildId && l.sub === 'set',
      15_000,
      'the set line',
    );

    // The shard-1 host goes away; the other host restarts to run both shards (SHARD_IDS=0-1).
    expect(await one.stop('SIGTERM')).toBe(0);
    expect(await zero.stop('SIGTERM')).toBe(0);
    const both = startBotProcess({ ...world.env, SHARD_IDS: '0-1' }, world.dir);
    bots.push(both);
    expect(await both.waitForLog(isReady, 15_000, 'the ready line')).toMatchObject({ shards: [0, 1], shardCount: 2 });

    world.sd.setMode('success');
    const handle = world.discord.sendInteraction({ ...people(world.discord, guildId).admin, command: 'clearcache' });
    expect(embedOf(await handle.reply()).title).toBe('Cache cleared');
    expect(world.discord.shardsOf(handle.id)).toEqual([[1, 2]]);
    expect(world.sd.requests.at(-1)?.json).toEqual({ key });
    await both.waitForLog(
      (l) => l.msg === 'interaction' && l.guildId === guildId && l.command === 'clearcache',
      15_000,
      'the clear line',
    );
    expect(both.logs().find((l) => l.msg === 'interaction' && l.guildId === guildId)).toMatchObject({
      command: 'clearcache',
      shard: 1,
      outcome: 'ok',
    });
  });
});

describe('SHARD_COUNT=auto, and a count below what Discord requires', () => {
  const guildIds = [onShard(0), onShard(1)];
  let world: World & { closeWorld(): Promise<void> };
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    // Discord recommends two shards and refuses fewer (4011). max_concurrency stays Discord's usual 1.
    world = await startWorld({ guildIds, discord: { recommendedShards: 2, requiredShards: 2 } });
  });
  afterAll(async () => {
    await bot?.stop('SIGKILL');
    await world?.closeWorld();
  });

  it('SHARD_COUNT=1 ends the process with exit code 1 and one line naming SHARD_COUNT', async () => {
    const refused = startBotProcess({ ...world.env, SHARD_COUNT: '1' }, world.dir);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(
      'Discord requires more shards for this bot (close code 4011): set SHARD_COUNT=auto, or a larger SHARD_COUNT',
    );
    expect(refused.output()).not.toMatch(/\n\s+at /);
    expect(refused.output()).not.toContain(TOKEN);
    expect(refused.logs().find((l) => l.msg === 'gateway closed for good')).toMatchObject({ shard: 0, code: 4011 });
  });

  it("SHARD_COUNT=auto (set explicitly, as discord.js's own variable of that name would be read) runs the recommended two shards in one process", async () => {
    bot = startBotProcess({ ...world.env, SHARD_COUNT: 'auto' }, world.dir);
    expect(await bot.waitForLog(isReady, 15_000, 'the ready line')).toMatchObject({
      mode: 'gateway',
      shards: [0, 1],
      shardCount: 2,
    });
    expect(
      bot
        .logs()
        .filter((l) => l.msg === 'gateway shard ready')
        .map((l) => l.shard)
        .sort(),
    ).toEqual([0, 1]);
    expect(
      world.discord
        .sessions()
        .filter((s) => s.live && s.connected)
        .map((s) => [...s.shard])
        .sort(),
    ).toEqual([
      [0, 2],
      [1, 2],
    ]);
    const handles = guildIds.map((guildId) =>
      world.discord.sendInteraction({ ...people(world.discord, guildId).admin, command: 'audit' }),
    );
    for (const handle of handles) expect(embedOf(await handle.reply()).title).toContain('Audit trail');
    expect(handles.map((h) => world.discord.shardsOf(h.id))).toEqual([[[0, 2]], [[1, 2]]]);
    await Promise.all(
      guildIds.map((g) =>
        bot!.waitForLog(
          (l) => l.msg === 'interaction' && l.guildId === g,
          15_000,
          `the interaction line of guild ${g}`,
        ),
      ),
    );
    expect(guildIds.map((g) => interactionLine(bot!, g)?.shard)).toEqual([0, 1]);
  });
});
