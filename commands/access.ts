/**
 * /access grant role | revoke role | list: the roles, beyond admins, whose members may run
 * /clearcache. Admins only.
 */
import { SlashCommandBuilder } from '@discordjs/builders';
import { roleMention } from '@discordjs/formatters';
import { checkGrantable } from '../src/core/access.js';
import type { Command, CommandContext, CommandResult, GuildInput } from '../src/interactions/command.js';
import { roleOption } from '../src/interactions/input.js';
import { failure, info, success, warning, withField } from '../src/interactions/replies.js';

const missingRole: CommandResult = { outcome: 'invalid-input', embeds: [warning('No role given', 'Pick a role in the `role` option.')] };

async function grant(guildId: string, input: GuildInput, ctx: CommandContext): Promise<CommandResult> {
  const role = roleOption(input, 'role');
  if (!role) return missingRole;
  const check = checkGrantable(role, guildId);
  if (!check.ok) return { outcome: 'invalid-input', embeds: [warning('Role not granted', check.reason)] };
  const result = await ctx.guilds.grantRole(guildId, role.id, input.caller.id);
  return result === 'already'
    ? { outcome: 'ok', embeds: [info('Already granted', `${roleMention(role.id)} can already run \`/clearcache\`.`)] }
    : { outcome: 'ok', embeds: [success('Access granted', `Members of ${roleMention(role.id)} can now run \`/clearcache\`.`)] };
}

async function revoke(guildId: string, input: GuildInput, ctx: CommandContext): Promise<CommandResult> {
  const role = roleOption(input, 'role');
  if (!role) return missingRole;
  const result = await ctx.guilds.revokeRole(guildId, role.id, input.caller.id);
  return result === 'not-granted'
    ? { outcome: 'ok', embeds: [info('Not granted', `${roleMention(role.id)} did not have access, so nothing changed.`)] }
    : { outcome: 'ok', embeds: [success('Access revoked', `Members of ${roleMention(role.id)} can no longer run \`/clearcache\` (unless they are admins).`)] };
}

async function list(guildId: string, ctx: CommandContext): Promise<CommandResult> {
  const granted = ctx.settings.roles;
  if (granted.length === 0) {
    return { outcome: 'ok', embeds: [info('No roles granted', 'Only admins can run `/clearcache`. Give a role access with `/access grant`.')] };
  }
  // Roles deleted from the server since they were granted are dropped from the list, so it stays true.
  let existing: Set<string> | undefined;
  try {
    existing = await ctx.discord.guildRoleIds(guildId);
  } catch (error) {
    ctx.log.warn({ guildId, err: error }, 'could not fetch the server roles for /access list');
  }
  const deleted = existing ? granted.filter((id) => !existing.has(id)) : [];
  for (const id of deleted) await ctx.guilds.revokeRole(guildId, id, ctx.applicationId);
  const live = granted.filter((id) => !deleted.includes(id));
  const lines = live.map((id) => `• ${roleMention(id)}`);
  let reply = info('Roles that can run /clearcache', `${lines.join('\n') || 'None.'}\n\nAdmins (Administrator or Manage Server) always can.`);
  if (deleted.length) reply = withField(reply, 'Cleaned up', `${deleted.length} granted role(s) no longer exist in this server and were removed from the list.`);
  if (!existing) reply = withField(reply, 'Note', "Could not check the list against the server's current roles just now.");
  return { outcome: 'ok', embeds: [reply] };
}

export const command: Command = {
  data: new SlashCommandBuilder()
    .setName('access')
    .setDescription('Choose which roles, beyond admins, may run /clearcache (admins only)')
    .addSubcommand((s) =>
      s
        .setName('grant')
        .setDescription('Let members of a role run /clearcache')
        .addRoleOption((o) => o.setName('role').setDescription('The role to grant').setRequired(true)),
    )
    .addSubcommand((s) =>
      s
        .setName('revoke')
        .setDescription('Stop members of a role from running /clearcache')
        .addRoleOption((o) => o.setName('role').setDescription('The role to revoke').setRequired(true)),
    )
    .addSubcommand((s) => s.setName('list').setDescription('List the roles that may run /clearcache')),
  access: 'admin',
  visibility: 'ephemeral',
  async execute(input, ctx) {
    const guildId = input.guildId;
    switch (input.subcommand) {
      case 'grant':
        return grant(guildId, input, ctx);
      case 'revoke':
        return revoke(guildId, input, ctx);
      case 'list':
        return list(guildId, ctx);
      default:
        return { outcome: 'invalid-input', embeds: [failure('Unknown subcommand', 'Use `/access grant`, `/access revoke` or `/access list`.')] };
    }
  },
};
