/** /clearcache run directly: plain input, a real store on a temp SQLite file, the real API client against the loopback stand-in. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { command } from '../../commands/clearcache.js';
import { GuildRecords, settingsKey } from '../../src/core/guilds.js';
import { createSealer } from '../../src/core/seal.js';
import { type CommandWorld, START, everything, openCommandWorld, useCommandWorld } from '../support/command-context.js';
import { GUILD_ID, USER_ID, guildInput } from '../support/input.js';
import { SD_ANSWERS, type SdApiStandIn, type SdMode } from '../support/sdapi-standin.js';
import { settlesWithin } from '../support/wait.js';

const KEY = 'sk-live-0123456789abcdef';
const OTHER_USER = '300000000000000002';
const OTHER_GUILD = '100000000000000002';
const OTHER_KEY = 'other-guild-key-0000-1111';

const clearcache = (userId = USER_ID, guildId = GUILD_ID) =>
  guildInput({ name: 'clearcache', userId, guildId, admin: false, roleIds: ['600000000000000001'] });

let sd: SdApiStandIn;
let world: CommandWorld;
useCommandWorld({ cooldownS: 30 }, (s, w) => {
  sd = s;
  world = w;
});

describe('/clearcache without a usable key', () => {
  it('with no key, says to set one, sends nothing, records nothing, arms no cooldown', async () => {
    const before = sd.requests.length;
    const result = await world.run(command, clearcache());
    expect(result).toEqual({
      outcome: 'no-key',
      embeds: [expect.objectContaining({ title: 'No API key set' })],
      ephemeral: false,
    });
    expect(result.embeds[0]!.description).toContain('/apikey set');
    expect(sd.requests.length).toBe(before);
    expect(await world.settings()).toEqual({ roles: [], audit: [] });
    expect(await command.cooldownUntil!(await world.context())).toBeUndefined();
  });

  it('with a key sealed under another ENCRYPTION_KEY, says so and sends nothing', async () => {
    await new GuildRecords(world.store, createSealer(randomBytes(32))).setKey(GUILD_ID, KEY, OTHER_USER);
    const before = sd.requests.length;
    const result = await world.run(command, clearcache());
    expect(result.outcome).toBe('unreadable-key');
    expect(result.embeds[0]!.title).toBe('The stored key cannot be opened');
    expect(result.ephemeral).toBe(false);
    expect(sd.requests.length).toBe(before);
    expect((await world.settings()).lastClear).toBeUndefined();
  });
});

describe('/clearcache maps each API answer to its outcome and embed', () => {
  const cases: Array<[SdMode, string, string]> = [
    ['success', 'ok', 'Cache cleared'],
    ['invalid-key-200', 'invalid-key', "The API refused this server's key"],
    ['invalid-key-401', 'invalid-key', "The API refused this server's key"],
    ['no-credits', 'no-credits', 'Out of credits'],
    ['plan', 'plan', 'Not included in your plan'],
    ['rate-limited', 'rate-limited', 'Rate limited by the API'],
    ['rate-limited-legacy', 'rate-limited', 'Rate limited by the API'],
    ['processing', 'processing', 'The API is still working on it'],
    ['failed', 'api-error', 'The API reported an error'],
    ['messege', 'api-error', 'The API reported an error'],
    ['error-200', 'api-error', 'The API reported an error'],
    ['validation', 'api-error', 'The API reported an error'],
    ['html-500', 'http-error', 'The API is having trouble'],
    ['html-502', 'http-error', 'The API is having trouble'],
    ['html-503', 'http-error', 'The API is having trouble'],
    ['empty-504', 'http-error', 'The API is having trouble'],
    ['not-json-200', 'http-error', 'The API is having trouble'],
    ['drop', 'network', 'Could not reach the API'],
  ];

  it.each(cases)(
    '%s: outcome %s, "%s", public, sent with the server\'s key and recorded',
    async (mode, outcome, title) => {
      await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
      sd.setMode(mode);
      const before = sd.requests.length;

      const result = await world.run(command, clearcache());

      expect(result.outcome).toBe(outcome);
      expect(result.embeds).toHaveLength(1);
      expect(result.embeds[0]!.title).toBe(title);
      expect(result.embeds[0]!.fields).toBeUndefined();
      expect(result.ephemeral).toBe(false);
      const sent = sd.requests.slice(before);
      expect(sent.length).toBeGreaterThanOrEqual(1);
      expect(
        sent.every((r) => r.path === '/api/v5/clear_cache' && JSON.stringify(r.json) === JSON.stringify({ key: KEY })),
      ).toBe(true);
      expect(everything(result)).not.toContain(KEY);
      const settings = await world.settings();
      expect(settings.lastClear).toMatchObject({ at: START, by: USER_ID, outcome });
      expect(settings.audit.at(-1)).toMatchObject({ at: START, userId: USER_ID, action: 'clear', detail: outcome });
    },
  );

  it('an API that does not answer in time: a timeout, recorded', async () => {
    const quick = await openCommandWorld(sd, { apiTimeoutMs: 300 });
    try {
      await quick.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
      sd.setMode('hang');
      const result = await quick.run(command, clearcache());
      expect(result.outcome).toBe('timeout');
      expect(result.embeds[0]).toMatchObject({
        title: 'The API did not answer in time',
        description: expect.stringContaining('No answer within 0.3 s'),
      });
      expect((await quick.settings()).lastClear).toMatchObject({ outcome: 'timeout', by: USER_ID });
    } finally {
      await quick.close();
    }
  });

  it("shows the API's own words quoted, and the latency it recorded", async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    const result = await world.run(command, clearcache());
    const { lastClear, audit } = await world.settings();
    expect(result.embeds[0]).toMatchObject({
      description: '> Cache cleared',
      footer: { text: `API answered in ${lastClear!.latencyMs} ms` },
    });
    expect(audit).toEqual([
      { at: START, userId: OTHER_USER, action: 'key-set' },
      { at: START, userId: USER_ID, action: 'clear', detail: 'ok', latencyMs: lastClear!.latencyMs },
    ]);
  });

  it('never shows the key, even when the API echoes it back', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    sd.setResponder(() => ({
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'error', message: `Invalid Api Key ${KEY}` }),
    }));
    const result = await world.run(command, clearcache());
    expect(result.outcome).toBe('invalid-key');
    expect(result.embeds[0]!.description).toContain('Invalid Api Key ••••cdef');
    expect(everything(result)).not.toContain(KEY);
  });

  it("uses this server's key, never another server's", async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    await world.guilds.setKey(OTHER_GUILD, OTHER_KEY, OTHER_USER);
    const before = sd.requests.length;
    await world.run(command, clearcache(USER_ID, OTHER_GUILD));
    await world.run(command, clearcache(USER_ID, GUILD_ID));
    expect(sd.requests.slice(before).map((r) => r.json)).toEqual([{ key: OTHER_KEY }, { key: KEY }]);
    expect((await world.settings(OTHER_GUILD)).audit.filter((e) => e.action === 'clear')).toHaveLength(1);
  });

  it('still answers when the clear cannot be written to the audit trail, and says so', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    const ctx = await world.context();
    const before = sd.requests.length;
    // The API answers only once the record is damaged: the clear is surely still waiting on it then.
    const gate = sd.hold();
    let result: Awaited<ReturnType<typeof command.execute>>;
    try {
      const pending = command.execute(clearcache(), ctx);
      // The record is damaged while the API works (another process, a bad disk): the outcome cannot be written.
      await sd.waitForRequests(before + 1, 10_000);
      const { version } = await world.store.read(settingsKey(GUILD_ID));
      expect((await world.store.write(settingsKey(GUILD_ID), 'damaged', version)).ok).toBe(true);
      gate.release();
      result = await pending;
    } finally {
      gate.release();
    }

    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]!.title).toBe('Cache cleared');
    expect(result.embeds[0]!.fields).toEqual([
      { name: 'Note', value: 'This clear could not be written to the audit trail.' },
    ]);
  });
});

describe('/clearcache, one clear per server at a time', () => {
  it('callers at once share one request and its outcome; the shared answer says so; one clear is recorded', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    const before = sd.requests.length;
    // The API answers only once both callers have asked for a clear: neither can finish first.
    let asked = 0;
    let bothAsked!: () => void;
    const both = new Promise<void>((resolve) => (bothAsked = resolve));
    const clear = world.clears.clear.bind(world.clears);
    world.clears.clear = (...args) => {
      if (++asked === 2) bothAsked();
      return clear(...args);
    };
    const gate = sd.hold();
    let results: Awaited<ReturnType<typeof world.run>>[];
    try {
      const running = Promise.all([
        world.run(command, clearcache(USER_ID)),
        world.run(command, clearcache(OTHER_USER)),
      ]);
      await settlesWithin(both, 10_000, 'second caller asking for a clear');
      gate.release();
      results = await running;
    } finally {
      gate.release();
      world.clears.clear = clear;
    }

    expect(sd.requests.length - before).toBe(1);
    expect(results.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(results.map((r) => r.ephemeral)).toEqual([false, false]);
    const shared = results.filter((r) =>
      r.embeds[0]!.fields?.some(
        (f) =>
          f.name === 'Note' && f.value === 'Another clear for this server was already running; this is its result.',
      ),
    );
    expect(shared).toHaveLength(1);
    expect(shared[0]!.embeds[0]!.title).toBe('Cache cleared');
    const clears = (await world.settings()).audit.filter((e) => e.action === 'clear');
    expect(clears).toHaveLength(1);
    // The clear on record is the one that ran: the caller whose answer is not the shared one.
    const ranBy = [USER_ID, OTHER_USER][results.findIndex((r) => r !== shared[0])];
    expect(clears[0]!.userId).toBe(ranBy);
  });

  it('after a clear, reports the cooldown to the pipeline; a caller that got past it is told to wait, privately, and nothing is sent', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    expect(await command.cooldownUntil!(await world.context())).toBeUndefined();
    await world.run(command, clearcache());
    expect(await command.cooldownUntil!(await world.context())).toBe(START + 30_000);
    const before = sd.requests.length;

    world.clock.now += 10_000;
    const result = await world.run(command, clearcache(OTHER_USER));

    expect(result.outcome).toBe('cooldown');
    expect(result.ephemeral).toBe(true);
    expect(result.embeds[0]).toMatchObject({
      title: 'Please wait',
      description: expect.stringContaining(`<t:${(START + 30_000) / 1000}:R>`),
    });
    expect(sd.requests.length).toBe(before);
    expect((await world.settings()).audit.filter((e) => e.action === 'clear')).toHaveLength(1);

    world.clock.now = START + 30_000;
    expect(await command.cooldownUntil!(await world.context())).toBeUndefined();
    expect((await world.run(command, clearcache(OTHER_USER))).outcome).toBe('ok');
    expect(sd.requests.length).toBe(before + 1);
  });

  it('a rate limit stretches the cooldown to when the API takes the next request', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    sd.setResponder(() => ({
      ...SD_ANSWERS['rate-limited'],
      body: JSON.stringify({ status: 'error', message: 'Rate limit exceeded.', retry_after: 90 }),
    }));
    await world.run(command, clearcache());
    expect(await command.cooldownUntil!(await world.context())).toBe(START + 90_000);
  });

  it("when another process's clear runs past the wait, answers busy, privately, and sends nothing more", async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
    const other = await world.otherProcess({ cooldownS: 30, apiTimeoutMs: 60_000 });
    let arrived!: () => void;
    let release!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    sd.setResponder(async () => {
      arrived();
      await gate;
      return SD_ANSWERS.success;
    });
    const before = sd.requests.length;
    try {
      const theirs = other.clears.clear(GUILD_ID, OTHER_USER, await other.guilds.settings(GUILD_ID));
      await arrival;

      const ctx = await world.context();
      const ours = command.execute(clearcache(), ctx);
      // execute has begun waiting (its deadline is taken before its first store read): our wait is bounded by
      // twice our own hold (2 s API deadline, two 10 s store deadlines, 3 s: 50 s), while theirs holds the
      // guild for 60 s more. Move past ours.
      world.clock.now += 60_000;
      const result = await ours;

      expect(result.outcome).toBe('busy');
      expect(result.ephemeral).toBe(true);
      expect(result.embeds[0]!.title).toBe('A clear is already running');

      release();
      expect(await theirs).toMatchObject({ kind: 'done', shared: false, result: { outcome: { kind: 'ok' } } });
      expect(sd.requests.length - before).toBe(1);
      const clears = (await world.settings()).audit.filter((e) => e.action === 'clear');
      expect(clears.map((e) => e.userId)).toEqual([OTHER_USER]);
    } finally {
      release();
    }
  });
});

it('is declared for operators, answered publicly, with a cooldown check', () => {
  expect(command.access).toBe('operator');
  expect(command.visibility).toBe('public');
  expect(typeof command.cooldownUntil).toBe('function');
});

it('a clear that fails for lack of credits says where to look: /apikey status and the ModelsLab dashboard', async () => {
  await world.guilds.setKey(GUILD_ID, KEY, OTHER_USER);
  sd.setMode('no-credits');
  const result = await world.run(command, clearcache());
  expect(result.outcome).toBe('no-credits');
  expect(result.embeds[0]!.description).toMatch(
    /ModelsLab dashboard \(modelslab\.com\).*`\/apikey status` shows the balance left\.$/,
  );
});
