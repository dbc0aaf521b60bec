/**
 * Shards in one process: the bot composed in-process with SHARD_COUNT=2 logs the REAL discord.js
 * client in to the Discord stand-in on two sockets, one session per shard, and answers every
 * server's commands on the shard Discord routes them to: `(guild_id >> 22) % 2`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeSnowflake } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { type InProcessRig, startInProcessRig } from '../support/rig.js';

const onShard = (shard: number) => makeSnowflake({ shard, count: 2 });
// Two servers on each shard, interleaved so the order of the guild list says nothing.
const guildIds = [onShard(0), onShard(1), onShard(0), onShard(1)];
const expectedShard = [0, 1, 0, 1];

let rig: InProcessRig;
beforeAll(async () => {
  // max_concurrency 2: both shards identify at once (with Discord's usual 1, the second waits 5 s).
  rig = await startInProcessRig({ guildIds, env: { SHARD_COUNT: '2' }, discord: { maxConcurrency: 2 } });
});
afterAll(() => rig?.close());

it('runs both shards on one session each, and logs each shard ready and the pair in the ready line', () => {
  const sessions = rig.discord.sessions();
  expect(sessions.map((s) => [...s.shard]).sort()).toEqual([
    [0, 2],
    [1, 2],
  ]);
  expect(sessions.every((s) => s.connected && s.live)).toBe(true);
  expect(rig.app.ready).toMatchObject({ shards: [0, 1], shardCount: 2 });
  const shardReady = rig.logs.filter((l) => l.msg === 'gateway shard ready');
  expect(shardReady.map((l) => [l.shard, l.shardCount]).sort()).toEqual([
    [0, 2],
    [1, 2],
  ]);
  expect(rig.logs.find((l) => l.msg === 'ready')).toMatchObject({ mode: 'gateway', shards: [0, 1], shardCount: 2 });
});

it("answers every server's commands, each arriving on its own shard's session", async () => {
  const handles = guildIds.map((guildId) =>
    rig.discord.sendInteraction({ ...people(rig.discord, guildId).admin, command: 'apikey', subcommand: 'status' }),
  );
  const replies = await Promise.all(handles.map((h) => h.reply()));
  for (const reply of replies) expect(embedOf(reply).title).toMatch(/API key/);
  // Where the stand-in sent each one, and where the bot says it took each one in.
  expect(handles.map((h) => rig.discord.shardsOf(h.id))).toEqual(expectedShard.map((shard) => [[shard, 2]]));
  const sessionOf = new Map(rig.discord.dispatches.map((d) => [(d.data as { id?: string }).id, d.sessionId]));
  expect(new Set(handles.map((h) => sessionOf.get(h.id))).size).toBe(2);
  // The interaction line is written once the answer is out, so just after the reply arrives.
  const lineOf = (guildId: string) => rig.logs.find((l) => l.msg === 'interaction' && l.guildId === guildId);
  await rig.discord.waitUntil(() => guildIds.every(lineOf), 2_000, 'an interaction line per server');
  expect(guildIds.map((guildId) => lineOf(guildId)?.shard)).toEqual(expectedShard);
});

it('a dropped shard resumes on its own while the other keeps answering', async () => {
  const resumesBefore = rig.discord.resumes.length;
  await rig.discord.disconnect(4000, 1);
  // Shard 0 is untouched: its server is answered while shard 1 is away.
  expect(embedOf(await rig.run({ ...people(rig.discord, guildIds[0]!).admin, command: 'audit' })).title).toContain(
    'Audit trail',
  );
  await rig.discord.waitUntil(() => rig.discord.resumes.length > resumesBefore, 15_000, 'shard 1 resuming');
  await rig.discord.waitUntil(
    () => rig.logs.some((l) => l.msg === 'gateway resumed' && l.shard === 1),
    5_000,
    'the resumed line for shard 1',
  );
  expect(rig.logs.filter((l) => l.msg === 'gateway resumed').map((l) => l.shard)).toEqual([1]);
  expect(embedOf(await rig.run({ ...people(rig.discord, guildIds[1]!).admin, command: 'audit' })).title).toContain(
    'Audit trail',
  );
});
