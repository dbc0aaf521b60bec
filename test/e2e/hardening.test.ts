/**
 * Calling the API sensibly and accountably, end to end: shared in-flight clears, the per-server
 * cooldown, retries, the audit trail, the 3-second rule under a hanging API, and log formats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotProcess } from '../support/bot-process.js';
import { stringOption } from '../support/discord-standin.js';
import { ADMIN_ID, embedOf, isEphemeral, people } from '../support/people.js';
import { type Rig, startRig } from '../support/rig.js';

let rig: Rig;
let nextGuild = 0;
const freshGuild = () => {
  const guildId = rig.guildIds[nextGuild++]!;
  return { guildId, as: people(rig.discord, guildId) };
};
const setKey = (as: ReturnType<typeof people>, key: string) =>
  rig.run({ ...as.admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', key)] });
/** Clears sent with a key (a key set is checked with wallet_balance first, which is not counted here). */
const requestsWith = (key: string) =>
  rig.sd.requests.filter(
    (r) => r.path === '/api/v5/clear_cache' && (r.json as { key?: string } | undefined)?.key === key,
  ).length;

/** Well above the gateway's answer budget (1.2 s), so a clear held at the API is still in flight when both interactions have deferred. */
const SD_TIMEOUT_MS = 4000;

beforeAll(async () => {
  rig = await startRig({ guilds: 80, env: { CLEARCACHE_COOLDOWN_S: '30', SD_API_TIMEOUT_MS: String(SD_TIMEOUT_MS) } });
});
afterAll(() => rig?.close());

describe('one clear per server at a time, then a cooldown', () => {
  it('a clear while another is in flight shares its outcome and sends no second request', async () => {
    const { as } = freshGuild();
    await setKey(as, 'inflight-key-000001');
    // The API answers only once both interactions are acknowledged: the second has then been in the
    // bot for its whole answer budget, so the first clear is surely in flight when it looks.
    const gate = rig.sd.hold();
    try {
      const handles = [
        rig.discord.sendInteraction({ ...as.admin, command: 'clearcache' }),
        rig.discord.sendInteraction({ ...as.mod, command: 'clearcache' }),
      ];
      await Promise.all(handles.map((h) => h.callback));
      gate.release();
      const [first, second] = await Promise.all(handles.map((h) => h.reply()));
      expect(requestsWith('inflight-key-000001')).toBe(1);
      expect(embedOf(first!).title).toBe('Cache cleared');
      expect(embedOf(second!).title).toBe('Cache cleared');
      expect([embedOf(first!).all, embedOf(second!).all].filter((e) => e.includes('already running'))).toHaveLength(1);
    } finally {
      gate.release();
    }
  });

  it('inside the cooldown, replies privately with when the next clear is possible, admins included, and sends nothing', async () => {
    const { as } = freshGuild();
    await setKey(as, 'cooldown-key-000002');
    // The cooldown runs from the moment the clear starts: somewhere between sending it and its answer.
    const before = Date.now();
    expect(embedOf(await rig.run({ ...as.admin, command: 'clearcache' })).title).toBe('Cache cleared');
    const after = Date.now();
    const again = await rig.run({ ...as.mod, command: 'clearcache' });
    expect(isEphemeral(again)).toBe(true);
    expect(embedOf(again).title).toBe('Please wait');
    const when = Number(/<t:(\d+):R>/.exec(embedOf(again).description)?.[1]);
    expect(when).toBeGreaterThanOrEqual(Math.floor(before / 1000) + 30);
    expect(when).toBeLessThanOrEqual(Math.ceil(after / 1000) + 30);
    expect(embedOf(await rig.run({ ...as.admin, command: 'clearcache' })).title).toBe('Please wait');
    expect(requestsWith('cooldown-key-000002')).toBe(1);
  });

  it('a new key ends the cooldown; other servers are not affected', async () => {
    const one = freshGuild();
    const two = freshGuild();
    await setKey(one.as, 'first-key-0000003');
    await setKey(two.as, 'other-server-00004');
    await rig.run({ ...one.as.admin, command: 'clearcache' });
    expect(embedOf(await rig.run({ ...two.as.admin, command: 'clearcache' })).title).toBe('Cache cleared');
    await setKey(one.as, 'second-key-000005');
    expect(embedOf(await rig.run({ ...one.as.admin, command: 'clearcache' })).title).toBe('Cache cleared');
    expect(requestsWith('second-key-000005')).toBe(1);
  });

  it('CLEARCACHE_COOLDOWN_S=0 turns the cooldown off', async () => {
    // The stand-in serves one gateway session: stop the file's bot while this one runs.
    await rig.bot.stop('SIGTERM');
    const bot = startBotProcess(
      { ...rig.env, CLEARCACHE_COOLDOWN_S: '0', DATABASE_URL: `sqlite://${rig.dir}/nocooldown.sqlite` },
      rig.dir,
    );
    try {
      await bot.waitForLog((l) => l.msg === 'ready');
      const { as } = freshGuild();
      await setKey(as, 'no-cooldown-000006');
      for (let i = 0; i < 3; i++)
        expect(embedOf(await rig.run({ ...as.admin, command: 'clearcache' })).title).toBe('Cache cleared');
      expect(requestsWith('no-cooldown-000006')).toBe(3);
    } finally {
      expect(await bot.stop('SIGTERM')).toBe(0);
      await rig.startBot();
    }
  });
});

describe('retries', () => {
  it('retries a 502 and a dropped connection, and reports the success', async () => {
    const { as } = freshGuild();
    await setKey(as, 'retry-key-0000007');
    rig.sd.setMode('html-502', { key: 'retry-key-0000007', times: 1 });
    rig.sd.setMode('drop', { key: 'retry-key-0000007', times: 1 });
    const reply = await rig.run({ ...as.admin, command: 'clearcache' });
    expect(embedOf(reply).title).toBe('Cache cleared');
    expect(requestsWith('retry-key-0000007')).toBe(3);
  });

  it('never retries a 429 and says when to try again', async () => {
    const { as } = freshGuild();
    await setKey(as, 'limited-key-00008');
    rig.sd.setMode('rate-limited', { key: 'limited-key-00008' });
    const reply = await rig.run({ ...as.admin, command: 'clearcache' });
    expect(embedOf(reply)).toMatchObject({
      title: 'Rate limited by the API',
      description: expect.stringMatching(/Try again <t:\d+:R>/),
    });
    expect(requestsWith('limited-key-00008')).toBe(1);
  });

  it('never retries a 4xx or a JSON error', async () => {
    const { as } = freshGuild();
    await setKey(as, 'credits-key-00009');
    rig.sd.setMode('no-credits', { key: 'credits-key-00009' });
    expect(embedOf(await rig.run({ ...as.admin, command: 'clearcache' })).title).toBe('Out of credits');
    expect(requestsWith('credits-key-00009')).toBe(1);
  });
});

describe('accountability', () => {
  it('/audit shows the last 10 events newest first, with timestamps and mentions that do not ping', async () => {
    const { guildId, as } = freshGuild();
    await setKey(as, 'audit-key-0000010');
    await rig.run({ ...as.admin, command: 'clearcache' });
    const role = rig.discord.roleByName(guildId, 'Role 3').id;
    await rig.run({
      ...as.admin,
      command: 'access',
      subcommand: 'grant',
      options: [{ name: 'role', type: 8, value: role }],
    });
    await rig.run({ ...as.admin, command: 'apikey', subcommand: 'remove' });
    for (let i = 0; i < 9; i++) await setKey(as, `audit-key-again-${i}`);

    const reply = await rig.run({ ...as.admin, command: 'audit' });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.body.allowed_mentions).toEqual({ parse: [] });
    const lines = embedOf(reply).description.split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(line).toMatch(new RegExp(`^<t:\\d+:R> <@${ADMIN_ID}> `));
    expect(lines[0]).toContain('set the API key');
    expect(lines[9]).toContain('removed the API key');
    const older = await rig.run({ ...as.admin, command: 'audit' });
    expect(embedOf(older).description).not.toContain('cleared the cache'); // the 12th-newest is beyond the last 10

    const member = await rig.run({ ...as.member, command: 'audit' });
    expect(embedOf(member).title).toBe('Not allowed');
  });

  it('/audit records each clear with its outcome and latency', async () => {
    const { as } = freshGuild();
    await setKey(as, 'audit-key-0000011');
    rig.sd.setMode('plan', { key: 'audit-key-0000011' });
    await rig.run({ ...as.admin, command: 'clearcache' });
    const lines = embedOf(await rig.run({ ...as.admin, command: 'audit' })).description.split('\n');
    expect(lines[0]).toMatch(/cleared the cache: not in plan \(\d+ ms\)$/);
  });
});

describe('the 3-second rule', () => {
  it('acknowledges 40 clears within 3 s while the API hangs, and answers each within the timeout plus a margin', async () => {
    const guilds = Array.from({ length: 40 }, () => freshGuild());
    for (const [i, g] of guilds.entries()) {
      await setKey(g.as, `hang-burst-key-${i}`);
      rig.sd.setMode('hang', { key: `hang-burst-key-${i}` });
    }
    const handles = guilds.map((g) => rig.discord.sendInteraction({ ...g.as.admin, command: 'clearcache' }));
    const callbacks = await Promise.all(handles.map((h) => h.callback));
    const replies = await Promise.all(handles.map((h) => h.reply(SD_TIMEOUT_MS + 10_000)));
    for (const [i, c] of callbacks.entries()) expect(c.at - handles[i]!.sentAt).toBeLessThan(3000);
    replies.forEach((r, i) => {
      // The timeout runs from the API call, not from the interaction: measured from the request's arrival.
      const call = rig.sd.requests.find((q) => (q.json as { key?: string } | undefined)?.key === `hang-burst-key-${i}`);
      expect(r.at - call!.at).toBeLessThan(SD_TIMEOUT_MS + 2000);
      expect(embedOf(r).title).toBe('The API did not answer in time');
    });
  });
});

describe('log formats', () => {
  it('writes JSON lines by default and readable lines under NODE_ENV=development', async () => {
    expect(rig.bot.logs().find((l) => l.msg === 'ready')).toMatchObject({ level: 30, guilds: 80 });
    await rig.bot.stop('SIGTERM');
    const pretty = startBotProcess({ ...rig.env, NODE_ENV: 'development' }, rig.dir);
    try {
      // The line itself: 'gateway shard ready' comes just before it.
      await pretty.waitForLine((text) => /INFO.*: ready$/.test(text), 15_000, 'the pretty ready line');
      expect(pretty.logs()).toEqual([]);
      expect(pretty.output()).toMatch(/INFO.*: ready$/m);
    } finally {
      await pretty.stop('SIGTERM');
      await rig.startBot();
    }
  });
});
