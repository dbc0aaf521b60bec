/**
 * The bot as a process: registration, restarts and crashes, signals, sealing at rest and gateway
 * trouble, all through its entry points. Key rotation has its own file (rotate-key.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { de } from '../../src/i18n/de.js';
import { es } from '../../src/i18n/es.js';
import { ja } from '../../src/i18n/ja.js';
import { startBotProcess } from '../support/bot-process.js';
import { runScript } from '../support/bot-env.js';
import { roleOption, stringOption } from '../support/discord-standin.js';
import { embedOf, people } from '../support/people.js';
import { type Rig, TOKEN, startRig } from '../support/rig.js';
import { databaseBytes } from '../support/temp.js';

const DEPLOY = fileURLToPath(new URL('../../dist/src/bin/deploy-commands.js', import.meta.url));
const OLD_ENTRY = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({ guilds: 6 });
});
afterAll(() => rig?.close());

const setKey = (guildId: string, key: string) =>
  rig.run({
    ...people(rig.discord, guildId).admin,
    command: 'apikey',
    subcommand: 'set',
    options: [stringOption('key', key)],
  });
const clear = (guildId: string) => rig.run({ ...people(rig.discord, guildId).admin, command: 'clearcache' });

describe('npm run deploy-commands', () => {
  it('registers exactly the commands, guild-only, with their options and default permissions', async () => {
    const result = await runScript(DEPLOY, { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: rig.discord.apiUrl }, rig.dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Registered 5 commands globally/);
    const commands = rig.discord.commands();
    const byName = Object.fromEntries(commands.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['access', 'apikey', 'audit', 'clearcache', 'help']);
    for (const c of commands) expect(c.contexts).toEqual([0]);
    expect(byName.apikey!.default_member_permissions).toBe('32');
    expect(byName.access!.default_member_permissions).toBe('32');
    expect(byName.audit!.default_member_permissions).toBe('32');
    expect(byName.clearcache!.default_member_permissions ?? null).toBeNull();
    expect(byName.help!.default_member_permissions ?? null).toBeNull();
    expect(byName.apikey!.options?.map((o) => o.name)).toEqual(['set', 'status', 'remove']);
    expect(byName.apikey!.options?.[0]).toMatchObject({
      type: 1,
      options: [{ name: 'key', type: 3, required: false, max_length: 256 }],
    });
    expect(
      byName.access!.options?.map((o) => [o.name, (o as { options?: Array<{ type: number }> }).options?.[0]?.type]),
    ).toEqual([
      ['grant', 8],
      ['revoke', 8],
      ['list', undefined],
    ]);
    expect(byName.clearcache!.options ?? []).toEqual([]);
    // Descriptions in every language we have, on commands and options alike (the stand-in checks their lengths).
    const locales = ['de', 'es-419', 'es-ES', 'fr', 'ja', 'pt-BR'];
    expect(Object.keys(byName.help!.description_localizations ?? {}).sort()).toEqual(locales);
    expect(byName.help!.description_localizations).toMatchObject({
      de: de['cmd.help'],
      ja: ja['cmd.help'],
      'es-419': es['cmd.help'],
    });
    const key = (
      byName.apikey!.options?.[0] as
        | { options?: Array<{ description_localizations?: Record<string, string> }> }
        | undefined
    )?.options?.[0];
    expect(Object.keys(key?.description_localizations ?? {}).sort()).toEqual(locales);
  });

  it('registers to one server with DISCORD_GUILD_ID', async () => {
    const guildId = rig.guildIds[0]!;
    const result = await runScript(
      DEPLOY,
      { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: rig.discord.apiUrl, DISCORD_GUILD_ID: guildId },
      rig.dir,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`to server ${guildId}`);
    expect(
      rig.discord
        .commands(guildId)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['access', 'apikey', 'audit', 'clearcache', 'help']);
  });

  it.each([
    [
      'a token Discord refuses (401)',
      () => ({ DISCORD_TOKEN: `${TOKEN}x` }),
      /^deploy-commands: DISCORD_TOKEN was refused by Discord: /,
    ],
    [
      'a server the bot is not in (403 Missing Access)',
      () => ({ DISCORD_GUILD_ID: '123456789012345678' }),
      /^deploy-commands: Discord refused to register commands in server DISCORD_GUILD_ID=123456789012345678 \(Missing Access\): invite the bot there with the applications\.commands scope/,
    ],
    [
      'a Discord that cannot be reached',
      () => ({ DISCORD_API_URL: 'http://127.0.0.1:9/api' }),
      /^deploy-commands: could not reach Discord at DISCORD_API_URL=http:\/\/127\.0\.0\.1:9\/api \(ECONNREFUSED\)/,
    ],
  ])('%s: one line naming what to fix, exit 1, nothing registered', async (_name, env, message) => {
    const before = rig.discord.commands().length;
    const result = await runScript(
      DEPLOY,
      { DISCORD_TOKEN: TOKEN, DISCORD_API_URL: rig.discord.apiUrl, ...env() },
      rig.dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toContain('unexpected failure');
    expect(result.stderr).not.toContain(TOKEN);
    expect(rig.discord.commands()).toHaveLength(before);
  });
});

describe('crashes, restarts and signals', () => {
  it('a key acknowledged to the admin survives kill -9 and a restart, and is never stored in plaintext', async () => {
    const guildId = rig.guildIds[1]!;
    const key = `survivor-${randomBytes(12).toString('hex')}`;
    expect(embedOf(await setKey(guildId, key)).title).toBe('API key checked and saved');
    await rig.bot.stop('SIGKILL');
    const bytes = await databaseBytes(rig.dbFile);
    expect(bytes).toContain(`guild:${guildId}`);
    expect(bytes).not.toContain(key);

    await rig.startBot();
    rig.sd.setMode('success');
    expect(embedOf(await clear(guildId)).title).toBe('Cache cleared');
    expect(rig.sd.requests.at(-1)?.json).toEqual({ key });
    expect(rig.bot.output()).not.toContain(key);
  });

  it('a role granted before a restart still lets its members clear after it (roles come from the interaction, not a cache)', async () => {
    const guildId = rig.guildIds[1]!;
    const as = people(rig.discord, guildId);
    const role = rig.discord.addRole(guildId, { name: 'Cache keepers' });
    const grant = await rig.run({
      ...as.admin,
      command: 'access',
      subcommand: 'grant',
      options: [roleOption('role', role.id)],
    });
    expect(embedOf(grant).title).toBe('Access granted');
    await rig.bot.stop('SIGTERM');
    await rig.startBot();
    rig.sd.setMode('success');
    const holder = as.withRoles('300000000000000077', role.id);
    expect(embedOf(await rig.run({ ...holder, command: 'clearcache' })).title).toBe('Cache cleared');
    expect(embedOf(await rig.run({ ...as.member, command: 'clearcache' })).title).toBe('Not allowed');
  });

  it('SIGTERM lets the answer in hand finish, then exits 0 within 10 s', async () => {
    const guildId = rig.guildIds[2]!;
    await setKey(guildId, 'sigterm-key-123456');
    rig.sd.setMode('hang');
    const handle = rig.discord.sendInteraction({ ...people(rig.discord, guildId).admin, command: 'clearcache' });
    await handle.callback;
    const started = performance.now();
    const code = await rig.bot.stop('SIGTERM');
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(embedOf(await handle.reply()).title).toBe('The API did not answer in time');
    expect(rig.bot.logs().some((l) => l.msg === 'stopped')).toBe(true);
    rig.sd.setMode('success');
    await rig.startBot();
  });

  it('SIGINT stops it cleanly too; every start logs the invite URL, then ready with the server count', async () => {
    const invite = rig.bot.logs().find((l) => l.msg === 'invite the bot with this URL');
    expect(invite?.url).toBe(
      `https://discord.com/oauth2/authorize?client_id=${rig.discord.applicationId}&scope=bot+applications.commands&permissions=0&integration_type=0`,
    );
    expect(rig.bot.logs().find((l) => l.msg === 'ready')).toMatchObject({ guilds: 6 });
    expect(await rig.bot.stop('SIGINT')).toBe(0);
    await rig.startBot();
  });

  it('the entry of earlier versions, dist/src/main.js, starts the current bot (old systemd units keep working)', async () => {
    expect(await rig.bot.stop('SIGTERM')).toBe(0);
    const old = startBotProcess(rig.env, rig.dir, OLD_ENTRY);
    try {
      await old.waitForLog((l) => l.msg === 'ready', 15_000, 'ready');
      const guildId = rig.guildIds[3]!;
      expect(embedOf(await rig.run({ ...people(rig.discord, guildId).admin, command: 'help' })).title).toBeTruthy();
      expect(await old.stop('SIGTERM')).toBe(0);
    } finally {
      await old.stop('SIGKILL').catch(() => undefined);
      await rig.startBot();
    }
  });

  it('a token Discord refuses stops the start, naming DISCORD_TOKEN and not printing it', async () => {
    const wrongToken = `${TOKEN.slice(0, -6)}wrong1`;
    const bot = startBotProcess({ ...rig.env, DISCORD_TOKEN: wrongToken }, rig.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output()).toContain('DISCORD_TOKEN was refused by Discord');
    expect(bot.output()).not.toContain(wrongToken);
  });

  it('a wrong ENCRYPTION_KEY stops the start, naming it, and changes nothing', async () => {
    const before = await databaseBytes(rig.dbFile);
    const wrong = startBotProcess({ ...rig.env, ENCRYPTION_KEY: randomBytes(32).toString('base64') }, rig.dir);
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toMatch(/ENCRYPTION_KEY does not open \d+ of the \d+ API keys/);
    expect(wrong.output()).not.toMatch(/\n\s+at /);
    expect(await databaseBytes(rig.dbFile)).toBe(before);
  });

  it('logs gateway disconnects and resumes, and keeps answering', async () => {
    const sessionsBefore = rig.discord.resumes.length + rig.discord.identifies.length;
    await rig.discord.disconnect(4000);
    await rig.discord.waitUntil(
      () => rig.discord.resumes.length + rig.discord.identifies.length > sessionsBefore,
      15_000,
      'a resume',
    );
    await rig.bot.waitForLog((l) => l.msg === 'gateway resumed', 15_000, 'the resumed line');
    const reconnect = rig.bot.logs().find((l) => l.msg === 'gateway reconnecting' || l.msg === 'gateway disconnected');
    expect(reconnect?.level).toBeGreaterThanOrEqual(30);
    const guildId = rig.guildIds[3]!;
    expect(embedOf(await rig.run({ ...people(rig.discord, guildId).admin, command: 'audit' })).title).toContain(
      'Audit trail',
    );
  });
});

describe('gateway trouble and odd payloads', () => {
  it('an interaction with a permission field that is not a number is refused as not an admin; the bot stays up', async () => {
    const guildId = rig.guildIds[5]!;
    const reply = await rig.discord
      .sendInteraction({
        ...people(rig.discord, guildId).admin,
        command: 'audit',
        mutate: (payload) => {
          if (payload.member) payload.member.permissions = 'not-a-number';
        },
      })
      .reply();
    expect(embedOf(reply).title).toBe('Not allowed');
    expect(rig.bot.child.exitCode).toBeNull();
    expect(embedOf(await rig.run({ ...people(rig.discord, guildId).admin, command: 'audit' })).title).toContain(
      'Audit trail',
    );
  });

  it('a fatal gateway close (4004: the token was reset) ends the process with exit code 1 and a line naming DISCORD_TOKEN', async () => {
    await rig.discord.disconnect(4004);
    expect(await rig.bot.exited).toBe(1);
    expect(rig.bot.output()).toContain('DISCORD_TOKEN was refused by the gateway (close code 4004)');
    expect(rig.bot.output()).not.toContain(TOKEN);
    await rig.startBot();
  });
});
