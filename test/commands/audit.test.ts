/** /audit run directly: plain input, a real store on a temp SQLite file, events made by the other commands and the real API client. */
import { describe, expect, it } from 'vitest';
import { command as access } from '../../commands/access.js';
import { command as apikey } from '../../commands/apikey.js';
import { command } from '../../commands/audit.js';
import { command as clearcache } from '../../commands/clearcache.js';
import type { CommandResult } from '../../src/interactions/command.js';
import { type CommandWorld, START, useCommandWorld } from '../support/command-context.js';
import { APP_ID, GUILD_ID, USER_ID, guildInput } from '../support/input.js';
import type { SdApiStandIn } from '../support/sdapi-standin.js';

const KEY = 'sk-live-0123456789abcdef';
const OPERATOR = '300000000000000002';
const OPS = { id: '600000000000000001', name: 'Ops', managed: false };
const MODS = { id: '600000000000000002', name: 'Mods', managed: false };
const OTHER_GUILD = '100000000000000002';
const TITLE = 'Audit trail (newest first)';

const audit = (guildId = GUILD_ID) => guildInput({ name: 'audit', guildId });
const lines = (result: CommandResult) => result.embeds[0]!.description!.split('\n');
/** Discord's relative timestamp for a time on the test clock. */
const ago = (ms: number) => `<t:${Math.ceil(ms / 1000)}:R>`;

let sd: SdApiStandIn;
let world: CommandWorld;
useCommandWorld({}, (s, w) => {
  sd = s;
  world = w;
});

describe('/audit', () => {
  it('says there is nothing yet on a new server', async () => {
    const result = await world.run(command, audit());
    expect(result).toEqual({
      outcome: 'ok',
      embeds: [expect.objectContaining({ title: TITLE, description: expect.stringMatching(/^Nothing yet\./) })],
    });
  });

  it('shows what the other commands did, newest first, with who and which role as mentions', async () => {
    const at = (seconds: number) => {
      world.clock.now = START + seconds * 1000;
      return world.clock.now;
    };
    const t1 = at(1);
    await world.run(apikey, guildInput({ name: 'apikey', subcommand: 'set', options: { key: KEY } }));
    const t2 = at(2);
    await world.run(access, guildInput({ name: 'access', subcommand: 'grant', roles: { role: OPS } }));
    const t3 = at(3);
    await world.run(access, guildInput({ name: 'access', subcommand: 'grant', roles: { role: MODS } }));
    const t4 = at(60);
    await world.run(clearcache, guildInput({ name: 'clearcache', userId: OPERATOR, admin: false, roleIds: [OPS.id] }));
    const { latencyMs } = (await world.settings()).lastClear!;
    // Mods was deleted from the server: /access list drops it in the application's name.
    world.discord.roles = new Set([GUILD_ID, OPS.id]);
    const t5 = at(120);
    await world.run(access, guildInput({ name: 'access', subcommand: 'list' }));
    const t6 = at(180);
    await world.run(access, guildInput({ name: 'access', subcommand: 'revoke', roles: { role: OPS } }));
    sd.setMode('no-credits');
    const t7 = at(240);
    await world.run(apikey, guildInput({ name: 'apikey', subcommand: 'set', options: { key: `${KEY}-new` } }));
    const t8 = at(241);
    await world.run(clearcache, guildInput({ name: 'clearcache' }));
    const failedLatency = (await world.settings()).lastClear!.latencyMs;
    const t9 = at(300);
    await world.run(apikey, guildInput({ name: 'apikey', subcommand: 'remove' }));
    const before = await world.settings();

    const result = await world.run(command, audit());

    expect(result.outcome).toBe('ok');
    expect(result.embeds).toHaveLength(1);
    expect(result.embeds[0]!.title).toBe(TITLE);
    expect(lines(result)).toEqual([
      `${ago(t9)} <@${USER_ID}> removed the API key`,
      `${ago(t8)} <@${USER_ID}> cleared the cache: out of credits (${failedLatency} ms)`,
      `${ago(t7)} <@${USER_ID}> set the API key`,
      `${ago(t6)} <@${USER_ID}> revoked access from <@&${OPS.id}>`,
      `${ago(t5)} <@${APP_ID}> revoked access from <@&${MODS.id}>`,
      `${ago(t4)} <@${OPERATOR}> cleared the cache: cleared (${latencyMs} ms)`,
      `${ago(t3)} <@${USER_ID}> granted <@&${MODS.id}> access`,
      `${ago(t2)} <@${USER_ID}> granted <@&${OPS.id}> access`,
      `${ago(t1)} <@${USER_ID}> set the API key`,
    ]);
    expect(result.embeds[0]!.description).not.toContain(KEY.slice(-8));
    expect(await world.settings()).toEqual(before);
  });

  it('shows at most the 10 newest events', async () => {
    for (let i = 1; i <= 15; i++) {
      world.clock.now = START + i * 1000;
      await world.guilds.grantRole(GUILD_ID, `6000000000000001${String(i).padStart(2, '0')}`, USER_ID);
    }
    expect((await world.settings()).audit).toHaveLength(15);

    const shown = lines(await world.run(command, audit()));

    expect(shown).toHaveLength(10);
    expect(shown[0]).toBe(`${ago(START + 15_000)} <@${USER_ID}> granted <@&600000000000000115> access`);
    expect(shown[9]).toBe(`${ago(START + 6000)} <@${USER_ID}> granted <@&600000000000000106> access`);
    expect(shown.join('\n')).not.toContain('<@&600000000000000105>');
  });

  it("shows only this server's events", async () => {
    await world.guilds.setKey(OTHER_GUILD, KEY, USER_ID);
    await world.guilds.grantRole(GUILD_ID, OPS.id, USER_ID);
    expect(lines(await world.run(command, audit()))).toEqual([
      `${ago(START)} <@${USER_ID}> granted <@&${OPS.id}> access`,
    ]);
    expect(lines(await world.run(command, audit(OTHER_GUILD)))).toEqual([
      `${ago(START)} <@${USER_ID}> set the API key`,
    ]);
  });

  it('is declared admin-only with private answers', () => {
    expect(command.access).toBe('admin');
    expect(command.visibility).toBe('ephemeral');
  });
});
