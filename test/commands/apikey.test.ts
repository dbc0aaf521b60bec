/** /apikey run directly: plain input, a real store on a temp SQLite file, the API stand-in on loopback. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { command } from '../../commands/apikey.js';
import { MAX_KEY_LENGTH } from '../../src/core/apikey.js';
import { GuildRecords } from '../../src/core/guilds.js';
import { createSealer } from '../../src/core/seal.js';
import { InputError } from '../../src/interactions/errors.js';
import { translate } from '../../src/i18n/index.js';
import { type CommandWorld, START, everything, openCommandWorld, useCommandWorld } from '../support/command-context.js';
import { GUILD_ID, USER_ID, guildInput } from '../support/input.js';
import type { SdApiStandIn } from '../support/sdapi-standin.js';
import { databaseBytes } from '../support/temp.js';

const KEY = 'sk-live-0123456789abcdef';
const OLD_KEY = 'old-key-9876543210-wxyz';
const OTHER_ADMIN = '300000000000000002';
const OTHER_GUILD = '100000000000000002';
const seconds = (ms: number) => Math.floor(ms / 1000);

const set = (key?: string | number, userId = USER_ID) =>
  guildInput({ name: 'apikey', subcommand: 'set', userId, ...(key === undefined ? {} : { options: { key } }) });
const status = () => guildInput({ name: 'apikey', subcommand: 'status' });
const remove = (userId = USER_ID) => guildInput({ name: 'apikey', subcommand: 'remove', userId });

let sd: SdApiStandIn;
let world: CommandWorld;
useCommandWorld({ cooldownS: 30 }, (s, w) => {
  sd = s;
  world = w;
});

describe('/apikey set', () => {
  it('checks the key with the API, stores it sealed, answers with it masked and the balance, and records who set it and when', async () => {
    const from = sd.requests.length;
    const result = await world.run(command, set(KEY));

    expect(result.outcome).toBe('ok');
    expect(result.embeds).toHaveLength(1);
    expect(result.embeds[0]).toMatchObject({
      title: 'API key checked and saved',
      description: expect.stringContaining('The API accepted the key ••••cdef'),
      fields: [{ name: 'Balance', value: '$43.60 on the ModelsLab account' }],
    });
    // One check, with this key, before the key was stored.
    expect(sd.requests.slice(from).map((r) => [r.path, r.json])).toEqual([['/api/wallet_balance', { key: KEY }]]);
    expect(result.embeds[0]!.description).not.toContain('replaces');
    expect(everything(result)).not.toContain(KEY);

    const settings = await world.settings();
    expect(settings.apiKey).toMatchObject({ setBy: USER_ID, setAt: START });
    expect(settings.apiKey!.sealed).not.toContain(KEY);
    expect(world.guilds.openKey(GUILD_ID, settings)).toMatchObject({ kind: 'ok', key: KEY });
    expect(settings.audit).toEqual([{ at: START, userId: USER_ID, action: 'key-set' }]);
    expect(await databaseBytes(world.dbFile)).not.toContain(KEY);
  });

  it('replacing a key names the previous one, masked, and keeps only the new one', async () => {
    await world.guilds.setKey(GUILD_ID, OLD_KEY, OTHER_ADMIN);
    const result = await world.run(command, set(KEY));

    expect(result.embeds[0]!.description).toContain('in place of the previous key ••••wxyz.');
    expect(result.embeds[0]!.description).toContain('••••cdef');
    expect(everything(result)).not.toContain(OLD_KEY);
    expect(everything(result)).not.toContain(KEY);
    const settings = await world.settings();
    expect(world.guilds.openKey(GUILD_ID, settings)).toMatchObject({ kind: 'ok', key: KEY, setBy: USER_ID });
    expect(settings.audit.map((e) => [e.action, e.userId])).toEqual([
      ['key-set', OTHER_ADMIN],
      ['key-set', USER_ID],
    ]);
  });

  it('accepts a key exactly at the length limit', async () => {
    const longest = `${'k'.repeat(MAX_KEY_LENGTH - 4)}LAST`;
    const result = await world.run(command, set(longest));
    expect(result.outcome).toBe('ok');
    expect(world.guilds.openKey(GUILD_ID, await world.settings())).toMatchObject({ kind: 'ok', key: longest });
  });

  const refused: Array<[string, string | undefined, RegExp]> = [
    ['no key option at all', undefined, /empty/],
    ['an empty key', '', /empty/],
    [
      'a key longer than the limit',
      'k'.repeat(MAX_KEY_LENGTH + 1),
      new RegExp(`${MAX_KEY_LENGTH + 1} characters long`),
    ],
    ['a key with a space inside', 'sk-live 0123456789', /spaces/],
    ['a key with a trailing line break', 'sk-live-0123456789\n', /line breaks/],
    ['a key with a leading tab', '\tsk-live-0123456789', /spaces/],
    ['a key with a zero-width space', 'sk-live-\u200b0123456789', /invisible/],
  ];

  it.each(refused)('refuses %s and keeps the key stored before, untouched', async (_what, bad, reason) => {
    await world.guilds.setKey(GUILD_ID, OLD_KEY, OTHER_ADMIN);
    const before = await world.settings();

    const result = await world.run(command, set(bad));

    expect(result.outcome).toBe('invalid-input');
    expect(result.embeds[0]).toMatchObject({ title: 'Key not saved', description: expect.stringMatching(reason) });
    expect(result.embeds[0]!.description).toMatch(/The key stored before is unchanged\.$/);
    if (bad) expect(everything(result)).not.toContain(bad.trim());
    expect(await world.settings()).toEqual(before);
  });

  it('a refusal with no key stored stores nothing and does not claim a key was kept', async () => {
    const result = await world.run(command, set('has a space'));
    expect(result.outcome).toBe('invalid-input');
    expect(result.embeds[0]!.description).not.toContain('unchanged');
    expect(await world.settings()).toEqual({ roles: [], audit: [] });
  });

  it('an option of another type is an input error, and changes nothing', async () => {
    await world.guilds.setKey(GUILD_ID, OLD_KEY, OTHER_ADMIN);
    const before = await world.settings();
    await expect(world.run(command, set(12345))).rejects.toBeInstanceOf(InputError);
    expect(await world.settings()).toEqual(before);
  });

  it('a new key resets a running cooldown; a refused one leaves it running', async () => {
    await world.guilds.setKey(GUILD_ID, OLD_KEY, OTHER_ADMIN);
    const clear = await world.clears.clear(GUILD_ID, USER_ID, await world.settings());
    expect(clear).toMatchObject({ kind: 'done', result: { outcome: { kind: 'ok' } } });
    expect(world.clears.cooldownUntil(await world.settings())).toBe(START + 30_000);

    await world.run(command, set('not a key'));
    expect(world.clears.cooldownUntil(await world.settings())).toBe(START + 30_000);

    await world.run(command, set(KEY));
    expect(world.clears.cooldownUntil(await world.settings())).toBeUndefined();
    // The next clear goes out at once, with the new key.
    const next = await world.clears.clear(GUILD_ID, USER_ID, await world.settings());
    expect(next).toMatchObject({ kind: 'done', shared: false });
    expect(sd.requests.at(-1)?.json).toEqual({ key: KEY });
  });

  it('changes only this server', async () => {
    await world.guilds.setKey(OTHER_GUILD, OLD_KEY, OTHER_ADMIN);
    await world.run(command, set(KEY));
    expect(world.guilds.openKey(OTHER_GUILD, await world.settings(OTHER_GUILD))).toMatchObject({
      kind: 'ok',
      key: OLD_KEY,
    });
  });
});

describe('/apikey status', () => {
  it('says when no key is set', async () => {
    const result = await world.run(command, status());
    expect(result.outcome).toBe('ok');
    expect(result.embeds).toEqual([expect.objectContaining({ title: 'No API key set' })]);
    expect(result.embeds[0]!.fields).toBeUndefined();
  });

  it('shows the key masked, who set it and when, and that no clear has run; it changes nothing', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_ADMIN);
    world.clock.now += 3_600_000;
    const before = await world.settings();
    const from = sd.requests.length;

    const result = await world.run(command, status());

    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]).toMatchObject({
      title: 'API key set',
      description: `Key ••••cdef, set by <@${OTHER_ADMIN}> on <t:${seconds(START)}:f>.`,
      fields: [
        { name: 'Balance', value: '$43.60 on the ModelsLab account' },
        { name: 'Last clear', value: 'none yet: run `/clearcache`' },
      ],
    });
    expect(sd.requests.slice(from).map((r) => r.path)).toEqual(['/api/wallet_balance']);
    expect(everything(result)).not.toContain(KEY);
    expect(await world.settings()).toEqual(before);
  });

  it('shows the last clear: its outcome in words, who ran it, when, and how long the API took', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_ADMIN);
    sd.setMode('no-credits');
    world.clock.now = START + 60_000;
    await world.clears.clear(GUILD_ID, USER_ID, await world.settings());
    const { lastClear } = await world.settings();
    expect(lastClear).toMatchObject({ at: START + 60_000, by: USER_ID, outcome: 'no-credits' });

    sd.setMode('success');
    const result = await world.run(command, status());
    expect(result.embeds[0]!.fields).toEqual([
      { name: 'Balance', value: '$43.60 on the ModelsLab account' },
      {
        name: 'Last clear',
        value: `out of credits, by <@${USER_ID}> on <t:${seconds(START + 60_000)}:f> (${lastClear!.latencyMs} ms)`,
      },
    ]);

    world.clock.now = START + 120_000;
    await world.clears.clear(GUILD_ID, OTHER_ADMIN, await world.settings());
    const after = await world.run(command, status());
    expect(after.embeds[0]!.fields?.[1]?.value).toMatch(
      new RegExp(`^cleared, by <@${OTHER_ADMIN}> on <t:${seconds(START + 120_000)}:f> \\(\\d+ ms\\)$`),
    );
  });

  it('a key sealed under another ENCRYPTION_KEY is reported as such, never shown', async () => {
    await new GuildRecords(world.store, createSealer(randomBytes(32))).setKey(GUILD_ID, KEY, OTHER_ADMIN);
    const result = await world.run(command, status());
    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]).toMatchObject({
      title: 'API key set',
      description: expect.stringContaining('Key (cannot be opened with the current ENCRYPTION_KEY), set by'),
    });
    expect(everything(result)).not.toContain(KEY);
  });
});

describe('/apikey remove', () => {
  it('deletes the key and records who did; a second remove says there was none and records nothing', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_ADMIN);
    await world.guilds.grantRole(GUILD_ID, '600000000000000001', OTHER_ADMIN);
    world.clock.now += 1000;

    const result = await world.run(command, remove());
    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]!.title).toBe('API key removed');
    const settings = await world.settings();
    expect(settings.apiKey).toBeUndefined();
    expect(world.guilds.openKey(GUILD_ID, settings)).toEqual({ kind: 'none' });
    expect(settings.roles).toEqual(['600000000000000001']);
    expect(settings.audit.at(-1)).toEqual({ at: START + 1000, userId: USER_ID, action: 'key-remove' });

    const again = await world.run(command, remove());
    expect(again.outcome).toBe('ok');
    expect(again.embeds[0]!.title).toBe('No API key to remove');
    expect(await world.settings()).toEqual(settings);
  });

  it("removes only this server's key", async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_ADMIN);
    await world.guilds.setKey(OTHER_GUILD, OLD_KEY, OTHER_ADMIN);
    await world.run(command, remove());
    expect(world.guilds.openKey(OTHER_GUILD, await world.settings(OTHER_GUILD))).toMatchObject({
      kind: 'ok',
      key: OLD_KEY,
    });
  });
});

it('answers an unknown subcommand with what exists, changing nothing', async () => {
  const result = await world.run(command, guildInput({ name: 'apikey', subcommand: 'rotate' }));
  expect(result.outcome).toBe('invalid-input');
  expect(result.embeds[0]).toMatchObject({
    title: 'Unknown subcommand',
    description: expect.stringContaining('`/apikey set`'),
  });
  expect(await world.settings()).toEqual({ roles: [], audit: [] });
});

it('is declared admin-only with private answers', () => {
  expect(command.access).toBe('admin');
  expect(command.visibility).toBe('ephemeral');
});

describe('/apikey set: the key checked with the API before it is kept', () => {
  const refusals: Array<[string, 'invalid-key-200' | 'invalid-key-401']> = [
    ['with HTTP 200', 'invalid-key-200'],
    ['with HTTP 401', 'invalid-key-401'],
  ];
  it.each(refusals)(
    'a key the API refuses (%s) is not saved, the old key stays, and the reply says why',
    async (_what, mode) => {
      await world.guilds.setKey(GUILD_ID, OLD_KEY, OTHER_ADMIN);
      const before = await world.settings();
      sd.setMode(mode, { key: KEY, times: 1 });
      const from = sd.requests.length;

      const result = await world.run(command, set(KEY));

      expect(result.outcome).toBe('key-refused');
      expect(result.embeds[0]).toMatchObject({ title: 'Key not saved' });
      expect(result.embeds[0]!.description).toBe(
        'The API says:\n> Invalid Api Key\n\nThe API refused this key: it is invalid or was revoked. Copy it again from your ModelsLab dashboard (API Keys). The key stored before is unchanged.',
      );
      expect(sd.requests.slice(from)).toHaveLength(1);
      expect(await world.settings()).toEqual(before);
      expect(world.guilds.openKey(GUILD_ID, await world.settings())).toMatchObject({ kind: 'ok', key: OLD_KEY });
      expect(everything(result)).not.toContain(KEY);
      expect(JSON.stringify(world.logs)).not.toContain(KEY);
    },
  );

  it('a refused key with none stored before stores nothing and claims nothing was kept', async () => {
    sd.setMode('invalid-key-200');
    const result = await world.run(command, set(KEY));
    expect(result.outcome).toBe('key-refused');
    expect(result.embeds[0]!.description).not.toContain('unchanged');
    expect(await world.settings()).toEqual({ roles: [], audit: [] });
  });

  const unreachable: Array<[string, () => void, RegExp]> = [
    [
      'a dropped connection',
      () => sd.setMode('drop'),
      /^The connection to the API failed \(.+\)\. `\/apikey status` asks the API again\.$/,
    ],
    ['an HTML 500', () => sd.setMode('html-500'), /^The API answered HTTP 500 with an HTML page\. /],
    [
      'a failure of its own',
      () => sd.setMode('failed'),
      /^The API says:\n> Failed, Try Again\n\nThe API answered without saying whether the key works\. /,
    ],
  ];
  it.each(unreachable)(
    'an API that cannot judge the key (%s): saved, and the reply says it was not checked, and why',
    async (_what, arrange, why) => {
      await world.guilds.setKey(GUILD_ID, OLD_KEY, OTHER_ADMIN);
      arrange();

      const result = await world.run(command, set(KEY));

      expect(result.outcome).toBe('key-unchecked');
      expect(result.embeds[0]).toMatchObject({
        title: 'API key saved, not checked',
        description: expect.stringContaining('It replaces the previous key ••••wxyz.'),
      });
      expect(result.embeds[0]!.fields).toEqual([{ name: 'Why it was not checked', value: expect.stringMatching(why) }]);
      expect(world.guilds.openKey(GUILD_ID, await world.settings())).toMatchObject({
        kind: 'ok',
        key: KEY,
        setBy: USER_ID,
      });
      expect(everything(result)).not.toContain(KEY);
    },
  );

  it('an API that does not answer in time: saved, and the reply says after how long', async () => {
    const slow = await openCommandWorld(sd, { apiTimeoutMs: 300 });
    try {
      sd.setMode('hang');
      const result = await slow.run(command, set(KEY));
      expect(result.outcome).toBe('key-unchecked');
      expect(result.embeds[0]!.fields?.[0]?.value).toBe(
        'The API did not answer within 0.3 s. `/apikey status` asks the API again.',
      );
      expect(slow.guilds.openKey(GUILD_ID, await slow.settings())).toMatchObject({ kind: 'ok', key: KEY });
    } finally {
      await slow.close();
    }
  });

  it('a rate-limited check saves the key unchecked; within the retry-after no check is sent, and after it one is', async () => {
    sd.setMode('rate-limited', { times: 1 });
    const from = sd.requests.length;
    const first = await world.run(command, set(KEY));
    expect(first.outcome).toBe('key-unchecked');
    expect(first.embeds[0]!.fields?.[0]?.value).toMatch(
      /^The API says:\n> Rate limit exceeded\. Maximum 5 queued requests allowed\.\n\nThe API is rate limiting this account; it takes requests again <t:\d+:R>\./,
    );
    expect(world.guilds.openKey(GUILD_ID, await world.settings())).toMatchObject({ kind: 'ok', key: KEY });

    world.clock.now += 10_000;
    const second = await world.run(command, set(OLD_KEY));
    expect(second.outcome).toBe('key-unchecked');
    expect(second.embeds[0]!.fields?.[0]?.value).toBe(
      `The API asked for no more requests from this account until <t:${seconds(START + 30_000)}:R>, so none was sent. \`/apikey status\` asks the API again.`,
    );
    expect(sd.requests.slice(from)).toHaveLength(1);
    expect(world.guilds.openKey(GUILD_ID, await world.settings())).toMatchObject({ kind: 'ok', key: OLD_KEY });

    world.clock.now = START + 30_000;
    const third = await world.run(command, set(KEY));
    expect(third.outcome).toBe('ok');
    expect(sd.requests.slice(from)).toHaveLength(2);
  });

  it('a clear the API rate limited stops the check too until its retry-after', async () => {
    await world.guilds.setKey(GUILD_ID, OLD_KEY, OTHER_ADMIN);
    sd.setMode('rate-limited', { times: 1 });
    await world.clears.clear(GUILD_ID, USER_ID, await world.settings());
    const from = sd.requests.length;
    world.clock.now += 5_000;

    const result = await world.run(command, set(KEY));

    expect(result.outcome).toBe('key-unchecked');
    expect(result.embeds[0]!.fields?.[0]?.value).toContain(`until <t:${seconds(START + 30_000)}:R>, so none was sent`);
    expect(sd.requests.slice(from)).toHaveLength(0);
  });

  it("shows the balance in the member's language, with the currency the API gave", async () => {
    sd.setBalance(1234.5, 'EUR');
    const de = await world.run(command, set(KEY), { t: translate('de') });
    expect(de.embeds[0]!.fields?.[0]?.value).toMatch(/^1\.234,50\s€ auf dem ModelsLab-Konto$/);
    sd.setBalance(43.6, 'USD');
    const ja = await world.run(command, set(KEY), { t: translate('ja') });
    expect(ja.embeds[0]!.fields?.[0]?.value).toBe('ModelsLab アカウントに $43.60');
  });
});

describe('/apikey status: the balance', () => {
  it('without a reachable API, says the balance could not be checked and why, and shows the rest', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_ADMIN);
    sd.setMode('drop');
    const result = await world.run(command, status());
    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]).toMatchObject({
      title: 'API key set',
      description: expect.stringContaining('Key ••••cdef, set by'),
    });
    expect(result.embeds[0]!.fields).toEqual([
      {
        name: 'Balance',
        value: expect.stringMatching(/^Could not be checked now\. The connection to the API failed \(.+\)\.$/),
      },
      { name: 'Last clear', value: 'none yet: run `/clearcache`' },
    ]);
  });

  it('a status call waits no longer than its short budget', async () => {
    const quick = await openCommandWorld(sd, { apiTimeoutMs: 5000, statusTimeoutMs: 200 });
    try {
      await quick.guilds.setKey(GUILD_ID, KEY, OTHER_ADMIN);
      sd.setMode('hang');
      const started = performance.now();
      const result = await quick.run(command, status());
      expect(performance.now() - started).toBeLessThan(2000);
      expect(result.embeds[0]!.fields?.[0]).toEqual({
        name: 'Balance',
        value: 'Could not be checked now. The API did not answer within 0.2 s.',
      });
    } finally {
      await quick.close();
    }
  });

  it('says when the API refuses the stored key', async () => {
    await world.guilds.setKey(GUILD_ID, KEY, OTHER_ADMIN);
    sd.setMode('invalid-key-401');
    const result = await world.run(command, status());
    expect(result.embeds[0]!.fields?.[0]?.value).toBe(
      'The API says:\n> Invalid Api Key\n\nThe API refuses the stored key: it is invalid or was revoked. An admin can store a new one with `/apikey set`.',
    );
  });

  it('asks nothing of the API for a key it cannot open', async () => {
    await new GuildRecords(world.store, createSealer(randomBytes(32))).setKey(GUILD_ID, KEY, OTHER_ADMIN);
    const from = sd.requests.length;
    const result = await world.run(command, status());
    expect(result.embeds[0]!.fields?.map((f) => f.name)).toEqual(['Last clear']);
    expect(sd.requests.slice(from)).toHaveLength(0);
  });
});
