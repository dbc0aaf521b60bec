/** /access run directly: plain input, a real store on a temp SQLite file, a DiscordPort that is a plain object. */
import { describe, expect, it } from 'vitest';
import { command } from '../../commands/access.js';
import type { ResolvedRole } from '../../src/interactions/input.js';
import { InputError } from '../../src/interactions/errors.js';
import { MAX_LISTED_ROLES } from '../../src/interactions/replies.js';
import { type CommandWorld, START, useCommandWorld } from '../support/command-context.js';
import { APP_ID, GUILD_ID, USER_ID, guildInput } from '../support/input.js';

const OPS: ResolvedRole = { id: '600000000000000001', name: 'Ops', managed: false };
const MODS: ResolvedRole = { id: '600000000000000002', name: 'Mods', managed: false };
const HELPERS: ResolvedRole = { id: '600000000000000003', name: 'Helpers', managed: false };
const EVERYONE: ResolvedRole = { id: GUILD_ID, name: '@everyone', managed: false };
const BOT_ROLE: ResolvedRole = { id: '600000000000000009', name: 'Some Bot', managed: true };
const OTHER_ADMIN = '300000000000000002';
const OTHER_GUILD = '100000000000000002';

const grant = (role?: ResolvedRole, userId = USER_ID) =>
  guildInput({ name: 'access', subcommand: 'grant', userId, ...(role ? { roles: { role } } : {}) });
const revoke = (role?: ResolvedRole, userId = USER_ID) =>
  guildInput({ name: 'access', subcommand: 'revoke', userId, ...(role ? { roles: { role } } : {}) });
const list = () => guildInput({ name: 'access', subcommand: 'list' });

let world: CommandWorld;
useCommandWorld({}, (_sd, w) => (world = w));

describe('/access grant', () => {
  it('grants a role and records who did; granting it again says so and changes nothing', async () => {
    const result = await world.run(command, grant(OPS));
    expect(result.outcome).toBe('ok');
    expect(result.embeds).toEqual([
      expect.objectContaining({
        title: 'Access granted',
        description: `Members of <@&${OPS.id}> can now run \`/clearcache\`.`,
      }),
    ]);
    const settings = await world.settings();
    expect(settings.roles).toEqual([OPS.id]);
    expect(settings.audit).toEqual([{ at: START, userId: USER_ID, action: 'role-grant', detail: OPS.id }]);

    world.clock.now += 1000;
    const again = await world.run(command, grant(OPS, OTHER_ADMIN));
    expect(again.outcome).toBe('ok');
    expect(again.embeds[0]).toMatchObject({
      title: 'Already granted',
      description: expect.stringContaining(`<@&${OPS.id}>`),
    });
    expect(await world.settings()).toEqual(settings);
  });

  it('keeps roles in the order they were granted, per server', async () => {
    await world.run(command, grant(MODS));
    await world.run(command, grant(OPS));
    await world.run(command, { ...grant(HELPERS), guildId: OTHER_GUILD });
    expect((await world.settings()).roles).toEqual([MODS.id, OPS.id]);
    expect((await world.settings(OTHER_GUILD)).roles).toEqual([HELPERS.id]);
  });

  it.each([
    ['@everyone', EVERYONE, /every member/],
    ['a managed role', BOT_ROLE, /managed by a bot or integration/],
  ])('refuses %s, storing nothing', async (_what, role, reason) => {
    const result = await world.run(command, grant(role));
    expect(result.outcome).toBe('invalid-input');
    expect(result.embeds[0]).toMatchObject({ title: 'Role not granted', description: expect.stringMatching(reason) });
    expect(await world.settings()).toEqual({ roles: [], audit: [] });
  });

  it('asks for a role when none is given', async () => {
    const result = await world.run(command, grant());
    expect(result.outcome).toBe('invalid-input');
    expect(result.embeds[0]!.title).toBe('No role given');
    expect(await world.settings()).toEqual({ roles: [], audit: [] });
  });

  it('a role option Discord did not resolve is an input error', async () => {
    const input = guildInput({ name: 'access', subcommand: 'grant', options: { role: OPS.id } });
    await expect(world.run(command, input)).rejects.toBeInstanceOf(InputError);
    expect((await world.settings()).roles).toEqual([]);
  });
});

describe('/access revoke', () => {
  it('revokes a granted role and records who did; revoking it again says it was not granted', async () => {
    await world.guilds.grantRole(GUILD_ID, OPS.id, OTHER_ADMIN);
    await world.guilds.grantRole(GUILD_ID, MODS.id, OTHER_ADMIN);
    world.clock.now += 5000;

    const result = await world.run(command, revoke(OPS));
    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]).toMatchObject({
      title: 'Access revoked',
      description: expect.stringContaining(`Members of <@&${OPS.id}> can no longer run`),
    });
    const settings = await world.settings();
    expect(settings.roles).toEqual([MODS.id]);
    expect(settings.audit.at(-1)).toEqual({ at: START + 5000, userId: USER_ID, action: 'role-revoke', detail: OPS.id });

    const again = await world.run(command, revoke(OPS));
    expect(again.outcome).toBe('ok');
    expect(again.embeds[0]).toMatchObject({
      title: 'Not granted',
      description: expect.stringContaining('nothing changed'),
    });
    expect(await world.settings()).toEqual(settings);
  });

  it('revoking a role that was never granted changes nothing, whatever the role', async () => {
    for (const role of [OPS, EVERYONE, BOT_ROLE]) {
      const result = await world.run(command, revoke(role));
      expect(result.embeds[0]!.title).toBe('Not granted');
    }
    expect(await world.settings()).toEqual({ roles: [], audit: [] });
  });

  it('asks for a role when none is given', async () => {
    await world.guilds.grantRole(GUILD_ID, OPS.id, OTHER_ADMIN);
    const result = await world.run(command, revoke());
    expect(result.outcome).toBe('invalid-input');
    expect(result.embeds[0]!.title).toBe('No role given');
    expect((await world.settings()).roles).toEqual([OPS.id]);
  });
});

describe('/access list', () => {
  it('says only admins can clear when no role is granted, without asking Discord', async () => {
    const result = await world.run(command, list());
    expect(result.outcome).toBe('ok');
    expect(result.embeds).toEqual([expect.objectContaining({ title: 'No roles granted' })]);
    expect(world.discord.asked).toEqual([]);
  });

  it('lists the granted roles that still exist, as mentions in grant order, and changes nothing', async () => {
    await world.guilds.grantRole(GUILD_ID, MODS.id, OTHER_ADMIN);
    await world.guilds.grantRole(GUILD_ID, OPS.id, OTHER_ADMIN);
    world.discord.roles = new Set([GUILD_ID, OPS.id, MODS.id, HELPERS.id]);
    const before = await world.settings();

    const result = await world.run(command, list());

    expect(result.outcome).toBe('ok');
    expect(result.embeds).toEqual([
      expect.objectContaining({
        title: 'Roles that can run /clearcache',
        description: `• <@&${MODS.id}>\n• <@&${OPS.id}>\n\nAdmins (Administrator or Manage Server) always can.`,
      }),
    ]);
    expect(result.embeds[0]!.fields).toBeUndefined();
    expect(world.discord.asked).toEqual([GUILD_ID]);
    expect(await world.settings()).toEqual(before);
  });

  it('names at most MAX_LISTED_ROLES roles and counts the rest', async () => {
    const many = Array.from({ length: MAX_LISTED_ROLES + 20 }, (_, i) => String(700_000_000_000_000_000n + BigInt(i)));
    for (const id of many) await world.guilds.grantRole(GUILD_ID, id, OTHER_ADMIN);
    world.discord.roles = new Set([GUILD_ID, ...many]);
    const result = await world.run(command, list());
    const description = result.embeds[0]!.description!;
    expect(description.match(/^• <@&\d+>$/gm)).toHaveLength(MAX_LISTED_ROLES);
    expect(description).toContain(`• <@&${many[MAX_LISTED_ROLES - 1]}>\n(+20 more)\n\nAdmins`);
  });

  it('drops roles deleted from the server, and records them as revoked by the application', async () => {
    await world.guilds.grantRole(GUILD_ID, OPS.id, OTHER_ADMIN);
    await world.guilds.grantRole(GUILD_ID, MODS.id, OTHER_ADMIN);
    await world.guilds.grantRole(GUILD_ID, HELPERS.id, OTHER_ADMIN);
    world.discord.roles = new Set([GUILD_ID, MODS.id]);
    world.clock.now += 60_000;

    const result = await world.run(command, list());

    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]!.description).toBe(
      `• <@&${MODS.id}>\n\nAdmins (Administrator or Manage Server) always can.`,
    );
    expect(result.embeds[0]!.fields).toEqual([
      { name: 'Cleaned up', value: '2 granted role(s) no longer exist in this server and were removed from the list.' },
    ]);
    const settings = await world.settings();
    expect(settings.roles).toEqual([MODS.id]);
    expect(settings.audit.slice(-2)).toEqual([
      { at: START + 60_000, userId: APP_ID, action: 'role-revoke', detail: OPS.id },
      { at: START + 60_000, userId: APP_ID, action: 'role-revoke', detail: HELPERS.id },
    ]);

    // Listed again, nothing is left to clean up.
    const again = await world.run(command, list());
    expect(again.embeds[0]!.fields).toBeUndefined();
    expect((await world.settings()).audit).toHaveLength(settings.audit.length);
  });

  it('when every granted role is gone, lists none and clears them all', async () => {
    await world.guilds.grantRole(GUILD_ID, OPS.id, OTHER_ADMIN);
    world.discord.roles = new Set([GUILD_ID]);
    const result = await world.run(command, list());
    expect(result.embeds[0]!.description).toMatch(/^None\.\n\n/);
    expect(result.embeds[0]!.fields).toEqual([
      expect.objectContaining({ name: 'Cleaned up', value: expect.stringMatching(/^1 granted role/) }),
    ]);
    expect((await world.settings()).roles).toEqual([]);
  });

  it('when Discord cannot be asked, still lists every granted role with a note, and removes nothing', async () => {
    await world.guilds.grantRole(GUILD_ID, OPS.id, OTHER_ADMIN);
    await world.guilds.grantRole(GUILD_ID, MODS.id, OTHER_ADMIN);
    const before = await world.settings();
    const failing = {
      async guildRoleIds(): Promise<Set<string>> {
        throw new Error('503 Service Unavailable');
      },
    };

    const result = await world.run(command, list(), { discord: failing });

    expect(result.outcome).toBe('ok');
    expect(result.embeds[0]!.description).toBe(
      `• <@&${OPS.id}>\n• <@&${MODS.id}>\n\nAdmins (Administrator or Manage Server) always can.`,
    );
    expect(result.embeds[0]!.fields).toEqual([
      { name: 'Note', value: "Could not check the list against the server's current roles just now." },
    ]);
    expect(await world.settings()).toEqual(before);
    expect(world.logs).toContainEqual(
      expect.objectContaining({
        level: 40,
        guildId: GUILD_ID,
        msg: 'could not fetch the server roles for /access list',
      }),
    );
  });
});

it('answers an unknown subcommand with what exists, changing nothing', async () => {
  const result = await world.run(command, guildInput({ name: 'access', subcommand: 'clear' }));
  expect(result.outcome).toBe('invalid-input');
  expect(result.embeds[0]).toMatchObject({
    title: 'Unknown subcommand',
    description: expect.stringContaining('`/access list`'),
  });
  expect(await world.settings()).toEqual({ roles: [], audit: [] });
});

it('is declared admin-only with private answers', () => {
  expect(command.access).toBe('admin');
  expect(command.visibility).toBe('ephemeral');
});
