/**
 * /access grant role | revoke role | list: the roles, beyond admins, whose members may run
 * /clearcache. Admins only.
 */
import { SlashCommandBuilder, type SlashCommandSubcommandBuilder } from '@discordjs/builders';
import { roleMention } from '@discordjs/formatters';
import { checkGrantable } from '../src/core/access.js';
import { described } from '../src/i18n/index.js';
import type { Command, CommandContext, CommandResult, GuildInput } from '../src/interactions/command.js';
import { roleOption } from '../src/interactions/input.js';
import { info, roleList, success, unknownSubcommand, warning, withField } from '../src/interactions/replies.js';

const missingRole = (ctx: CommandContext): CommandResult => ({
  outcome: 'invalid-input',
  embeds: [warning(ctx.t('role.missing.title'), ctx.t('role.missing.body'))],
});

async function grant(input: GuildInput, ctx: CommandContext): Promise<CommandResult> {
  const { t } = ctx;
  const role = roleOption(input, 'role');
  if (!role) return missingRole(ctx);
  const check = checkGrantable(role, input.guildId);
  if (!check.ok)
    return { outcome: 'invalid-input', embeds: [warning(t('role.refused.title'), t(`role.problem.${check.problem}`))] };
  const mention = roleMention(role.id);
  return (await ctx.guilds.grantRole(input.guildId, role.id, input.caller.id, ctx.settings)) === 'already'
    ? { outcome: 'ok', embeds: [info(t('role.already.title'), t('role.already.body', { role: mention }))] }
    : { outcome: 'ok', embeds: [success(t('role.granted.title'), t('role.granted.body', { role: mention }))] };
}

async function revoke(input: GuildInput, ctx: CommandContext): Promise<CommandResult> {
  const { t } = ctx;
  const role = roleOption(input, 'role');
  if (!role) return missingRole(ctx);
  const mention = roleMention(role.id);
  return (await ctx.guilds.revokeRole(input.guildId, role.id, input.caller.id, ctx.settings)) === 'not-granted'
    ? { outcome: 'ok', embeds: [info(t('role.not-granted.title'), t('role.not-granted.body', { role: mention }))] }
    : { outcome: 'ok', embeds: [success(t('role.revoked.title'), t('role.revoked.body', { role: mention }))] };
}

async function list(guildId: string, ctx: CommandContext): Promise<CommandResult> {
  const { t } = ctx;
  const granted = ctx.settings.roles;
  if (granted.length === 0) return { outcome: 'ok', embeds: [info(t('roles.none.title'), t('roles.none.body'))] };
  // Roles deleted from the server since they were granted are dropped from the list, so it stays true.
  let existing: Set<string> | undefined;
  try {
    existing = await ctx.discord.guildRoleIds(guildId);
  } catch (error) {
    ctx.log.warn({ guildId, err: error }, 'could not fetch the server roles for /access list');
  }
  const deleted = existing ? granted.filter((id) => !existing.has(id)) : [];
  for (const id of deleted) await ctx.guilds.revokeRole(guildId, id, ctx.applicationId);
  const kept = granted.filter((id) => !deleted.includes(id));
  let reply = info(
    t('roles.list.title'),
    t('roles.list.body', {
      roles: kept.length ? roleList(t, kept, '\n', (mention) => `• ${mention}`) : t('roles.list.empty'),
    }),
  );
  if (deleted.length)
    reply = withField(reply, t('roles.cleaned.name'), t('roles.cleaned.value', { count: deleted.length }));
  if (!existing) reply = withField(reply, t('roles.unchecked.name'), t('roles.unchecked.value'));
  return { outcome: 'ok', embeds: [reply] };
}

const roleSubcommand = (name: 'grant' | 'revoke') => (s: SlashCommandSubcommandBuilder) =>
  described(s.setName(name), `cmd.access.${name}`).addRoleOption((o) =>
    described(o.setName('role'), `cmd.access.${name}.role`).setRequired(true),
  );

export const command: Command = {
  data: described(new SlashCommandBuilder().setName('access'), 'cmd.access')
    .addSubcommand(roleSubcommand('grant'))
    .addSubcommand(roleSubcommand('revoke'))
    .addSubcommand((s) => described(s.setName('list'), 'cmd.access.list')),
  access: 'admin',
  visibility: 'ephemeral',
  async execute(input, ctx) {
    switch (input.subcommand) {
      case 'grant':
        return grant(input, ctx);
      case 'revoke':
        return revoke(input, ctx);
      case 'list':
        return list(input.guildId, ctx);
      default:
        return {
          outcome: 'invalid-input',
          embeds: [unknownSubcommand(ctx.t, '/access grant', '/access revoke', '/access list')],
        };
    }
  },
};
