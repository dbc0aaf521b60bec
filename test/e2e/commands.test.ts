/**
 * Every command, end to end: the built bot in a child process, driven only through the Discord and
 * API stand-ins, once through the gateway and once as an HTTP interactions endpoint. One bot serves
 * each edge; each test uses its own server.
 */
import { Locale } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { de } from '../../src/i18n/de.js';
import { en } from '../../src/i18n/en.js';
import { ja } from '../../src/i18n/ja.js';
import { type VisibleReply, roleOption, stringOption } from '../support/discord-standin.js';
import { ADMIN_ID, embedOf, isEphemeral, people } from '../support/people.js';
import { type Rig, TOKEN, startRig } from '../support/rig.js';
import type { SdMode } from '../support/sdapi-standin.js';

let rig: Rig;
let nextGuild = 0;
/** A server no other test touches. */
const freshGuild = () => {
  const guildId = rig.guildIds[nextGuild++];
  if (!guildId) throw new Error('the rig has too few guilds for this file');
  return { guildId, as: people(rig.discord, guildId) };
};
const setKey = (as: ReturnType<typeof people>, key: string) =>
  rig.run({ ...as.admin, command: 'apikey', subcommand: 'set', options: [stringOption('key', key)] });
const clearcache = (who: { guildId: string; userId: string; roles: string[] }) =>
  rig.run({ ...who, command: 'clearcache' });
/** The clears sent with a key (a key set is checked with wallet_balance first: those are walletRequestsFor). */
const sdRequestsFor = (key: string, path = '/api/v5/clear_cache') =>
  rig.sd.requests.filter((r) => r.path === path && (r.json as { key?: unknown } | undefined)?.key === key);
const walletRequestsFor = (key: string) => sdRequestsFor(key, '/api/wallet_balance');
/** /apikey set with no option: the form's callback (type 9), as Discord received it. */
const openForm = async (who: { guildId: string; userId: string; roles: string[] }, locale?: Locale) =>
  (
    await rig.discord.sendInteraction({ ...who, command: 'apikey', subcommand: 'set', ...(locale ? { locale } : {}) })
      .callback
  ).body as { type: number; data?: unknown };
/** The form submitted by `who`, with the key typed in. */
const submitForm = (who: { guildId: string; userId: string; roles: string[] }, key: string, customId = 'apikey:set') =>
  rig.run({ ...who, command: 'apikey', form: { customId, fields: { key } } });
const status = (as: ReturnType<typeof people>) => rig.run({ ...as.admin, command: 'apikey', subcommand: 'status' });
const KEYS = new Set<string>();
const newKey = (label: string) => {
  const key = `${label}-${Math.random().toString(36).slice(2)}-KEY9${KEYS.size}`;
  KEYS.add(key);
  return key;
};

// Every command through both edges: the gateway, and signed POSTs to the HTTP endpoint.
describe.each(['gateway', 'http'] as const)('through the %s', (mode) => {
  beforeAll(async () => {
    nextGuild = 0;
    rig = await startRig({ guilds: 56, mode });
  });
  afterAll(() => rig?.close());

  describe('/apikey', () => {
    it('set checks the key with the API once, stores it, and answers privately with it masked and the balance', async () => {
      const { as } = freshGuild();
      const key = newKey('set');
      const reply = await setKey(as, key);
      expect(isEphemeral(reply)).toBe(true);
      const embed = embedOf(reply);
      expect(embed.title).toBe('API key checked and saved');
      expect(embed.description).toContain(`The API accepted the key ••••${key.slice(-4)}`);
      expect(embed.fields).toEqual([{ name: 'Balance', value: '$43.60 on the ModelsLab account' }]);
      expect(JSON.stringify(reply.body)).not.toContain(key.slice(0, -4));
      expect(walletRequestsFor(key)).toHaveLength(1);
      expect(walletRequestsFor(key)[0]).toMatchObject({ method: 'POST', rawBody: JSON.stringify({ key }) });
    });

    it('a key the API refuses is not saved: the reply says why, and the old key stays', async () => {
      const { as } = freshGuild();
      const good = newKey('good');
      const refused = newKey('revoked');
      await setKey(as, good);
      rig.sd.setMode('invalid-key-401', { key: refused });
      const reply = await setKey(as, refused);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('Key not saved');
      expect(embedOf(reply).description).toMatch(
        /Invalid Api Key[\s\S]*refused this key: it is invalid or was revoked[\s\S]*unchanged/,
      );
      expect(JSON.stringify(reply.body)).not.toContain(refused.slice(0, -4));
      expect(embedOf(await status(as)).description).toContain(`••••${good.slice(-4)}`);
      rig.sd.setMode('success');
      await clearcache(as.admin);
      expect(sdRequestsFor(good)).toHaveLength(1);
      expect(sdRequestsFor(refused)).toHaveLength(0);
    });

    it('an unreachable API: the key is saved, and the reply says it could not be checked and why', async () => {
      const { as } = freshGuild();
      const key = newKey('unreachable');
      rig.sd.setMode('drop', { key });
      const reply = await setKey(as, key);
      expect(embedOf(reply).title).toBe('API key saved, not checked');
      expect(embedOf(reply).fields).toEqual([
        { name: 'Why it was not checked', value: expect.stringMatching(/^The connection to the API failed \(.+\)\./) },
      ]);
      expect(embedOf(await status(as)).description).toContain(`••••${key.slice(-4)}`);
    });

    it('status shows the balance while the API answers, and says so when it does not', async () => {
      const { as } = freshGuild();
      const key = newKey('balance');
      await setKey(as, key);
      rig.sd.setMode('success');
      expect(embedOf(await status(as)).fields?.[0]).toEqual({
        name: 'Balance',
        value: '$43.60 on the ModelsLab account',
      });
      rig.sd.setMode('html-500', { key });
      const down = embedOf(await status(as));
      expect(down.title).toBe('API key set');
      expect(down.fields).toEqual([
        { name: 'Balance', value: 'Could not be checked now. The API answered HTTP 500 with an HTML page.' },
        { name: 'Last clear', value: 'none yet: run `/clearcache`' },
      ]);
    });

    it('status shows the masked key, who set it, and the last clear; remove deletes it', async () => {
      const { as } = freshGuild();
      const key = newKey('status');
      await setKey(as, key);
      let status = await rig.run({ ...as.admin, command: 'apikey', subcommand: 'status' });
      expect(isEphemeral(status)).toBe(true);
      expect(embedOf(status).description).toMatch(
        new RegExp(`••••${key.slice(-4)}, set by <@${ADMIN_ID}> on <t:\\d+:f>`),
      );
      expect(embedOf(status).all).toContain('none yet');

      rig.sd.setMode('success');
      await clearcache(as.admin);
      status = await rig.run({ ...as.admin, command: 'apikey', subcommand: 'status' });
      expect(embedOf(status).fields).toEqual([
        { name: 'Balance', value: '$43.60 on the ModelsLab account' },
        {
          name: 'Last clear',
          value: expect.stringMatching(new RegExp(`^cleared, by <@${ADMIN_ID}> on <t:\\d+:f> \\(\\d+ ms\\)$`)),
        },
      ]);

      const removed = await rig.run({ ...as.admin, command: 'apikey', subcommand: 'remove' });
      expect(isEphemeral(removed)).toBe(true);
      expect(embedOf(removed).title).toBe('API key removed');
      status = await rig.run({ ...as.admin, command: 'apikey', subcommand: 'status' });
      expect(embedOf(status).title).toBe('No API key set');
      expect(embedOf(await rig.run({ ...as.admin, command: 'apikey', subcommand: 'remove' })).title).toBe(
        'No API key to remove',
      );
    });

    it.each([
      ['an empty key', '', /empty/],
      ['a key with a space', 'abc def-123456', /spaces/],
      ['a key with a newline', 'abcdef-123456\n', /spaces/],
      ['a key with a control character', 'abc\u0007def-123456', /invisible/],
      ['a key over 256 characters', 'k'.repeat(257), /257 characters/],
    ])('refuses %s privately, with the reason, keeping the old key', async (_label, bad, reason) => {
      const { as } = freshGuild();
      const good = newKey('kept');
      await setKey(as, good);
      const reply = await setKey(as, bad);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('Key not saved');
      expect(embedOf(reply).description).toMatch(reason);
      expect(embedOf(reply).description).toContain('unchanged');
      rig.sd.setMode('success');
      await clearcache(as.admin);
      expect(sdRequestsFor(good)).toHaveLength(1);
    });

    it('is for admins only: Manage Server counts, a plain member is refused privately', async () => {
      const { as } = freshGuild();
      expect(embedOf(await setKey({ ...as, admin: as.mod }, newKey('mod'))).title).toBe('API key checked and saved');
      for (const sub of ['set', 'status', 'remove']) {
        const reply = await rig.run({
          ...as.member,
          command: 'apikey',
          subcommand: sub,
          options: sub === 'set' ? [stringOption('key', 'member-key-123456')] : [],
        });
        expect(isEphemeral(reply)).toBe(true);
        expect(embedOf(reply).title).toBe('Not allowed');
        expect(embedOf(reply).description).toContain('Only server admins (Administrator or Manage Server)');
      }
      const status = await rig.run({ ...as.admin, command: 'apikey', subcommand: 'status' });
      expect(embedOf(status).description).toContain(`<@${as.mod.userId}>`); // the member's set did not land
    });
  });

  describe('/apikey set without the option: the private form', () => {
    it("opens the form at once for an admin (a modal, the first response), in the admin's language", async () => {
      const { as } = freshGuild();
      const before = rig.sd.requests.length;
      const body = await openForm(as.admin);
      expect(body).toEqual({
        type: 9,
        data: {
          custom_id: 'apikey:set',
          title: 'Stable Diffusion API key',
          components: [
            {
              type: 1,
              components: [
                {
                  type: 4,
                  custom_id: 'key',
                  style: 1,
                  label: 'API key from your ModelsLab dashboard',
                  min_length: 16,
                  max_length: 256,
                  required: true,
                },
              ],
            },
          ],
        },
      });
      expect(await openForm(as.mod, Locale.German)).toMatchObject({
        type: 9,
        data: { title: de['key.form.title'], components: [{ components: [{ label: de['key.form.label'] }] }] },
      });
      expect(rig.sd.requests.length).toBe(before);
      const line = await rig.bot.waitForLog(
        (l) => l.msg === 'interaction' && l.guildId === as.admin.guildId && l.outcome === 'form-opened',
      );
      expect(line).toMatchObject({ command: 'apikey', ack: 'reply' });
    });

    it('refuses the form privately to a member who is not an admin', async () => {
      const { as } = freshGuild();
      const handle = rig.discord.sendInteraction({ ...as.member, command: 'apikey', subcommand: 'set' });
      const reply = await handle.reply();
      expect((await handle.callback).body).toMatchObject({ type: 4 });
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('Not allowed');
    });

    it('a submitted good key is checked once, saved, and answered privately with its balance, the key never shown', async () => {
      const { as } = freshGuild();
      const key = newKey('form');
      const reply = await submitForm(as.admin, key);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('API key checked and saved');
      expect(embedOf(reply).fields).toEqual([{ name: 'Balance', value: '$43.60 on the ModelsLab account' }]);
      expect(JSON.stringify(reply.body)).not.toContain(key.slice(0, -4));
      expect(walletRequestsFor(key)).toHaveLength(1);
      expect(embedOf(await status(as)).description).toContain(`••••${key.slice(-4)}, set by <@${ADMIN_ID}>`);
    });

    it('a submitted key the API refuses is not saved, and the old key stays', async () => {
      const { as } = freshGuild();
      const good = newKey('form-good');
      const refused = newKey('form-revoked');
      await submitForm(as.admin, good);
      rig.sd.setMode('invalid-key-401', { key: refused });
      const reply = await submitForm(as.admin, refused);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('Key not saved');
      expect(embedOf(reply).description).toMatch(/Invalid Api Key[\s\S]*refused this key[\s\S]*unchanged/);
      expect(JSON.stringify(reply.body)).not.toContain(refused.slice(0, -4));
      rig.sd.setMode('success');
      expect(embedOf(await status(as)).description).toContain(`••••${good.slice(-4)}`);
    });

    it('a submitted key of the wrong shape is refused with the same rules as the option', async () => {
      const { as } = freshGuild();
      const reply = await submitForm(as.admin, 'abc def-123456789');
      expect(embedOf(reply)).toMatchObject({ title: 'Key not saved', description: expect.stringMatching(/spaces/) });
      expect(embedOf(await status(as)).title).toBe('No API key set');
    });

    it('an unreachable API: the submitted key is saved, with the warning', async () => {
      const { as } = freshGuild();
      const key = newKey('form-unreachable');
      rig.sd.setMode('drop', { key });
      const reply = await submitForm(as.admin, key);
      expect(embedOf(reply).title).toBe('API key saved, not checked');
      expect(embedOf(reply).fields).toEqual([
        { name: 'Why it was not checked', value: expect.stringMatching(/^The connection to the API failed \(.+\)\./) },
      ]);
      rig.sd.setMode('success');
      expect(embedOf(await status(as)).description).toContain(`••••${key.slice(-4)}`);
    });

    it('a form submitted by a member who has lost admin since it opened is refused, and nothing is saved', async () => {
      const { as } = freshGuild();
      const key = newKey('form-demoted');
      expect((await openForm(as.admin)).type).toBe(9);
      // The same person, now without the Admin role: Discord sends the member as they are now.
      const reply = await submitForm({ ...as.admin, roles: [] }, key);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('Not allowed');
      expect(walletRequestsFor(key)).toHaveLength(0);
      expect(embedOf(await status(as)).title).toBe('No API key set');
    });

    it.each([
      [
        'a form with a forged custom_id',
        (who: { guildId: string; userId: string; roles: string[] }, key: string) =>
          submitForm(who, key, 'apikey:set:admin'),
      ],
      [
        'a component interaction (a button)',
        (who: { guildId: string; userId: string; roles: string[] }) =>
          rig.run({ ...who, command: 'apikey', component: { customId: 'apikey:set' } }),
      ],
    ])('%s is answered privately that it is not understood, and nothing is saved', async (_label, send) => {
      const { as } = freshGuild();
      const key = newKey('forged');
      const reply = await send(as.admin, key);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply)).toMatchObject({ title: 'Not understood', description: expect.stringContaining('/help') });
      expect(JSON.stringify(reply.body)).not.toContain(key.slice(0, -4));
      expect(walletRequestsFor(key)).toHaveLength(0);
      expect(embedOf(await status(as)).title).toBe('No API key set');
    });
  });

  describe('/clearcache', () => {
    it('without a key tells admins to run /apikey set, and calls nothing', async () => {
      const { as } = freshGuild();
      const before = rig.sd.requests.length;
      const reply = await clearcache(as.admin);
      expect(embedOf(reply).title).toBe('No API key set');
      expect(embedOf(reply).description).toContain('/apikey set');
      expect(rig.sd.requests.length).toBe(before);
    });

    it('POSTs exactly {"key"} as JSON to /v5/clear_cache and shows the success publicly', async () => {
      const { as } = freshGuild();
      const key = newKey('exact');
      await setKey(as, key);
      rig.sd.setMode('success');
      const reply = await clearcache(as.admin);
      expect(isEphemeral(reply)).toBe(false);
      expect(embedOf(reply)).toMatchObject({ title: 'Cache cleared', description: '> Cache cleared' });
      const [request] = sdRequestsFor(key);
      expect(request).toMatchObject({ method: 'POST', path: '/api/v5/clear_cache', rawBody: JSON.stringify({ key }) });
      expect(request!.headers['content-type']).toBe('application/json');
    });

    const outcomes: Array<[SdMode, string, RegExp]> = [
      ['invalid-key-200', "The API refused this server's key", /Invalid Api Key[\s\S]*\/apikey set/],
      ['invalid-key-401', "The API refused this server's key", /\/apikey set/],
      ['no-credits', 'Out of credits', /Insufficient credits[\s\S]*Add credits/],
      ['plan', 'Not included in your plan', /premium subscription/],
      ['rate-limited', 'Rate limited by the API', /Try again <t:\d+:R>/],
      ['rate-limited-legacy', 'Rate limited by the API', /Try again <t:\d+:R>/],
      ['processing', 'The API is still working on it', /being processed[\s\S]*<t:\d+:R>/],
      ['failed', 'The API reported an error', /Failed, Try Again/],
      ['messege', 'The API reported an error', /Some legacy error/],
      ['validation', 'The API reported an error', /key: The key field is required\./],
      ['error-200', 'The API reported an error', /Something went wrong/],
      ['html-500', 'The API is having trouble', /HTTP 500 with an HTML page/],
      ['not-json-200', 'The API is having trouble', /HTTP 200 with an answer that is not JSON/],
      ['drop', 'Could not reach the API', /connection failed/],
    ];
    it.each(outcomes)('API mode %s gets its own embed', async (mode, title, description) => {
      const { as } = freshGuild();
      const key = newKey(mode);
      await setKey(as, key);
      rig.sd.setMode(mode, { key });
      const reply = await clearcache(as.admin);
      expect(embedOf(reply).title).toBe(title);
      expect(embedOf(reply).description).toMatch(description);
      expect(embedOf(reply).all).not.toContain(key);
    });

    it('answers a hanging API with a timeout within SD_API_TIMEOUT_MS plus a margin, acknowledging first', async () => {
      const { as } = freshGuild();
      const key = newKey('hang');
      await setKey(as, key);
      rig.sd.setMode('hang', { key });
      const handle = rig.discord.sendInteraction({ ...as.admin, command: 'clearcache' });
      const callback = await handle.callback;
      const reply = await handle.reply();
      expect(callback.at - handle.sentAt).toBeLessThan(3000);
      // SD_API_TIMEOUT_MS runs from the API call: measured from the request's arrival, not from the interaction.
      const [call] = sdRequestsFor(key);
      expect(reply.at - call!.at).toBeLessThan(2000 + 1500);
      expect(embedOf(reply).title).toBe('The API did not answer in time');
    });

    it('two servers with two keys are never mixed', async () => {
      const one = freshGuild();
      const two = freshGuild();
      const keyOne = newKey('one');
      const keyTwo = newKey('two');
      await Promise.all([setKey(one.as, keyOne), setKey(two.as, keyTwo)]);
      rig.sd.setMode('success');
      await Promise.all([clearcache(one.as.admin), clearcache(two.as.admin), clearcache(one.as.mod)]);
      expect(sdRequestsFor(keyOne).length).toBeGreaterThanOrEqual(1);
      expect(sdRequestsFor(keyTwo)).toHaveLength(1);
    });

    it('refuses a member without a granted role privately, naming who may, and calls nothing', async () => {
      const { as } = freshGuild();
      await setKey(as, newKey('refuse'));
      const before = rig.sd.requests.length;
      const reply = await clearcache(as.member);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('Not allowed');
      expect(embedOf(reply).description).toContain('/access grant');
      expect(rig.sd.requests.length).toBe(before);
    });
  });

  describe('/access', () => {
    it('grant lets a role clear, revoke takes it back; twice and not-granted are told apart', async () => {
      const { guildId, as } = freshGuild();
      await setKey(as, newKey('access'));
      rig.sd.setMode('success');
      const helpers = rig.discord.roleByName(guildId, 'Role 3').id;
      const helper = as.withRoles('300000000000000009', helpers);

      expect(embedOf(await clearcache(helper)).title).toBe('Not allowed');
      const granted = await rig.run({
        ...as.admin,
        command: 'access',
        subcommand: 'grant',
        options: [roleOption('role', helpers)],
      });
      expect(isEphemeral(granted)).toBe(true);
      expect(embedOf(granted)).toMatchObject({
        title: 'Access granted',
        description: expect.stringContaining(`<@&${helpers}>`),
      });
      expect(
        embedOf(
          await rig.run({
            ...as.admin,
            command: 'access',
            subcommand: 'grant',
            options: [roleOption('role', helpers)],
          }),
        ).title,
      ).toBe('Already granted');
      expect(embedOf(await clearcache(helper)).title).toBe('Cache cleared');

      const refusal = await clearcache(as.member);
      expect(embedOf(refusal).description).toContain(`<@&${helpers}>`);

      expect(
        embedOf(
          await rig.run({
            ...as.admin,
            command: 'access',
            subcommand: 'revoke',
            options: [roleOption('role', helpers)],
          }),
        ).title,
      ).toBe('Access revoked');
      expect(
        embedOf(
          await rig.run({
            ...as.admin,
            command: 'access',
            subcommand: 'revoke',
            options: [roleOption('role', helpers)],
          }),
        ).title,
      ).toBe('Not granted');
      expect(embedOf(await clearcache(helper)).title).toBe('Not allowed');
    });

    it('refuses @everyone and managed roles', async () => {
      const { guildId, as } = freshGuild();
      const everyone = await rig.run({
        ...as.admin,
        command: 'access',
        subcommand: 'grant',
        options: [roleOption('role', guildId)],
      });
      expect(embedOf(everyone)).toMatchObject({
        title: 'Role not granted',
        description: expect.stringContaining('@everyone'),
      });
      const botRole = rig.discord.addRole(guildId, { name: 'Some Bot' });
      rig.discord.guild(guildId).roles.get(botRole.id)!.managed = true;
      const managed = await rig.run({
        ...as.admin,
        command: 'access',
        subcommand: 'grant',
        options: [roleOption('role', botRole.id)],
      });
      expect(embedOf(managed)).toMatchObject({
        title: 'Role not granted',
        description: expect.stringContaining('managed'),
      });
      const list = await rig.run({ ...as.admin, command: 'access', subcommand: 'list' });
      expect(embedOf(list).title).toBe('No roles granted');
    });

    it('list shows granted roles and drops roles since deleted from the server', async () => {
      const { guildId, as } = freshGuild();
      const keep = rig.discord.roleByName(guildId, 'Role 3').id;
      const doomed = rig.discord.roleByName(guildId, 'Role 4').id;
      for (const id of [keep, doomed])
        await rig.run({ ...as.admin, command: 'access', subcommand: 'grant', options: [roleOption('role', id)] });
      expect(embedOf(await rig.run({ ...as.admin, command: 'access', subcommand: 'list' })).description).toContain(
        `<@&${doomed}>`,
      );
      rig.discord.deleteRole(guildId, doomed);
      const list = await rig.run({ ...as.admin, command: 'access', subcommand: 'list' });
      expect(isEphemeral(list)).toBe(true);
      expect(embedOf(list).description).toContain(`<@&${keep}>`);
      expect(embedOf(list).description).not.toContain(`<@&${doomed}>`);
      expect(embedOf(list).fields[0]).toMatchObject({ name: 'Cleaned up' });
      expect(embedOf(await rig.run({ ...as.admin, command: 'access', subcommand: 'list' })).fields).toEqual([]);
    });

    it('is for admins only', async () => {
      const { guildId, as } = freshGuild();
      const role = rig.discord.roleByName(guildId, 'Role 3').id;
      const reply = await rig.run({
        ...as.member,
        command: 'access',
        subcommand: 'grant',
        options: [roleOption('role', role)],
      });
      expect(embedOf(reply).title).toBe('Not allowed');
      expect(isEphemeral(reply)).toBe(true);
    });
  });

  describe('/help', () => {
    const help = (who: { guildId: string; userId: string; roles: string[] }) => rig.run({ ...who, command: 'help' });
    const field = (reply: Awaited<ReturnType<typeof help>>, name: string) =>
      embedOf(reply).fields.find((f) => f.name === name)?.value ?? '';

    it('tells an admin every command, privately, and whether a key is set (never the key)', async () => {
      const { as } = freshGuild();
      let reply = await help(as.admin);
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).title).toBe('Stable Diffusion cache bot');
      for (const command of ['/apikey set', '/access grant', '/audit', '/clearcache'])
        expect(field(reply, 'What you can use here')).toContain(command);
      expect(field(reply, 'API key')).toMatch(/^Not set/);
      const key = newKey('help');
      await setKey(as, key);
      reply = await help(as.mod);
      expect(field(reply, 'API key')).toMatch(/^Set/);
      expect(embedOf(reply).all).not.toContain(key.slice(-4));
      expect(field(reply, 'Links')).toContain('https://modelslab.com');
    });

    it('tells a member of a granted role about /clearcache only, and a plain member who to ask', async () => {
      const { guildId, as } = freshGuild();
      const helpers = rig.discord.roleByName(guildId, 'Role 3').id;
      await rig.run({ ...as.admin, command: 'access', subcommand: 'grant', options: [roleOption('role', helpers)] });
      const granted = await help(as.withRoles('300000000000000009', helpers));
      expect(field(granted, 'What you can use here')).toContain('/clearcache');
      expect(field(granted, 'What you can use here')).not.toContain('/apikey');
      const plain = await help(as.member);
      expect(field(plain, 'What you can use here')).toMatch(/ask a server admin/);
      expect(field(plain, 'What you can use here')).not.toContain('`/clearcache`:');
    });

    it('every refusal points at /help', async () => {
      const { as } = freshGuild();
      for (const command of ['clearcache', 'audit'])
        expect(embedOf(await rig.run({ ...as.member, command })).description).toContain('/help');
      expect(embedOf(await rig.run({ dm: true, userId: ADMIN_ID, command: 'clearcache' })).description).toContain(
        '/help',
      );
    });
  });

  describe("the caller's language", () => {
    const inLanguage = <T extends object>(who: T, locale: Locale) => ({ ...who, locale });
    const field = (reply: VisibleReply, name: string) =>
      embedOf(reply).fields.find((f) => f.name === name)?.value ?? '';

    it('a German and a Japanese member get their language; an unknown locale gets English', async () => {
      const { as } = freshGuild();
      for (const [locale, words] of [
        [Locale.German, de],
        [Locale.Japanese, ja],
        ['xx' as Locale, en],
      ] as const) {
        const reply = await rig.run({ ...inLanguage(as.admin, locale), command: 'help' });
        expect(embedOf(reply).title, locale).toBe(words['help.title']);
        expect(embedOf(reply).description, locale).toBe(words['help.about']);
        expect(field(reply, words['help.yours']), locale).toContain(words['help.admin.apikey']);
        expect(field(reply, words['help.key']), locale).toBe(words['help.key.unset']);
        expect(field(reply, words['help.links']), locale).toBe(words['help.links.value']);

        const refusal = embedOf(await rig.run({ ...inLanguage(as.member, locale), command: 'clearcache' }));
        expect(refusal.title, locale).toBe(words['refusal.title']);
        expect(refusal.description, locale).toBe(
          words['refusal.operator'].replace('{admins}', words.admins).replace('{command}', 'clearcache'),
        );

        const dm = embedOf(
          await rig.run({ dm: true, userId: ADMIN_ID, command: 'apikey', subcommand: 'status', locale }),
        );
        expect(dm.title, locale).toBe(words['servers-only.title']);
      }
    });

    it("quotes the API's own message as the API sent it, inside our words in the caller's language", async () => {
      const { as } = freshGuild();
      const key = newKey('lang');
      const saved = await rig.run({
        ...inLanguage(as.admin, Locale.German),
        command: 'apikey',
        subcommand: 'set',
        options: [stringOption('key', key)],
      });
      expect(embedOf(saved).title).toBe(de['key.checked.title']);
      rig.sd.setMode('no-credits', { key });
      const reply = embedOf(await clearcache(inLanguage(as.admin, Locale.Japanese)));
      expect(reply.title).toBe(ja['clear.no-credits.title']);
      expect(reply.description).toBe(
        `${ja['api.says']}\n> Insufficient credits. Please add more credits to continue.\n\n${ja['clear.no-credits.body']}`,
      );
      rig.sd.setMode('success', { key });
      const ok = embedOf(await clearcache(inLanguage(as.admin, Locale.German)));
      expect(ok).toMatchObject({ title: de['clear.ok.title'], description: '> Cache cleared' });
    });
  });

  describe('every command', () => {
    it.each(['apikey', 'access', 'clearcache', 'audit'])(
      '/%s from a DM gets a polite refusal and no API call',
      async (command) => {
        const before = rig.sd.requests.length;
        const subcommand = command === 'apikey' ? 'status' : command === 'access' ? 'list' : undefined;
        const reply = await rig.run({ dm: true, userId: ADMIN_ID, command, subcommand });
        expect(isEphemeral(reply)).toBe(true);
        expect(embedOf(reply)).toMatchObject({
          title: 'Servers only',
          description: expect.stringContaining('inside a server'),
        });
        expect(rig.sd.requests.length).toBe(before);
      },
    );

    it('an unknown command is answered privately with what to do', async () => {
      const { as } = freshGuild();
      const reply = await rig.run({ ...as.admin, command: 'imagine' });
      expect(isEphemeral(reply)).toBe(true);
      expect(embedOf(reply).description).toContain('npm run deploy-commands');
    });

    it('logs one line per interaction with command, server, user, outcome and latency', async () => {
      const { guildId, as } = freshGuild();
      await clearcache(as.admin);
      const line = await rig.bot.waitForLog((l) => l.msg === 'interaction' && l.guildId === guildId);
      expect(line).toMatchObject({
        command: 'clearcache',
        userId: ADMIN_ID,
        outcome: 'no-key',
        ms: expect.any(Number),
      });
    });

    it('never printed a key or the token, in any line of its output', () => {
      const output = rig.bot.output();
      expect(output.length).toBeGreaterThan(1000);
      expect(output).not.toContain(TOKEN);
      for (const key of KEYS) expect(output).not.toContain(key);
    });
  });
});
