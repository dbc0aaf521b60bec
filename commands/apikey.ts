/**
 * /apikey set key:<key> | status | remove: the server's Stable Diffusion API key. Admins only.
 * The key is sealed at rest and only ever shown masked.
 */
import { SlashCommandBuilder } from '@discordjs/builders';
import { userMention } from '@discordjs/formatters';
import { MAX_KEY_LENGTH, checkApiKey, maskKey } from '../src/core/apikey.js';
import { described } from '../src/i18n/index.js';
import type { Command, CommandContext, CommandResult } from '../src/interactions/command.js';
import { stringOption } from '../src/interactions/input.js';
import { info, keyProblem, outcomeLabel, stamp, success, unknownSubcommand, warning, withField } from '../src/interactions/replies.js';

function storedMask(guildId: string, ctx: CommandContext): string | undefined {
  const opened = ctx.guilds.openKey(guildId, ctx.settings);
  if (opened.kind === 'ok') return maskKey(opened.key);
  return opened.kind === 'unreadable' ? ctx.t('key.unreadable') : undefined;
}

async function set(guildId: string, userId: string, key: string | undefined, ctx: CommandContext): Promise<CommandResult> {
  const { t } = ctx;
  const checked = checkApiKey(key);
  if (!checked.ok) {
    const kept = ctx.settings.apiKey ? ` ${t('key.refused.kept')}` : '';
    return { outcome: 'invalid-input', embeds: [warning(t('key.refused.title'), `${keyProblem(t, checked)}${kept}`)] };
  }
  const previous = storedMask(guildId, ctx);
  // Storing a new key also ends the cooldown, in the same write.
  await ctx.guilds.setKey(guildId, checked.key, userId, ctx.settings);
  const mask = maskKey(checked.key);
  const body = previous ? t('key.saved.replaced', { mask, previous }) : t('key.saved.body', { mask });
  return { outcome: 'ok', embeds: [success(t('key.saved.title'), body)] };
}

function status(guildId: string, ctx: CommandContext): CommandResult {
  const { t } = ctx;
  const { apiKey, lastClear } = ctx.settings;
  if (!apiKey) return { outcome: 'ok', embeds: [info(t('key.none.title'), t('key.none.status'))] };
  const reply = info(t('key.status.title'), t('key.status.body', { mask: storedMask(guildId, ctx) ?? '', user: userMention(apiKey.setBy), when: stamp(apiKey.setAt) }));
  const last = lastClear
    ? t('key.status.last.value', { outcome: outcomeLabel(t, lastClear.outcome), user: userMention(lastClear.by), when: stamp(lastClear.at), ms: lastClear.latencyMs })
    : t('key.status.last.none');
  return { outcome: 'ok', embeds: [withField(reply, t('key.status.last'), last)] };
}

async function remove(guildId: string, userId: string, ctx: CommandContext): Promise<CommandResult> {
  const { t } = ctx;
  return (await ctx.guilds.removeKey(guildId, userId, ctx.settings))
    ? { outcome: 'ok', embeds: [success(t('key.removed.title'), t('key.removed.body'))] }
    : { outcome: 'ok', embeds: [info(t('key.remove.none.title'), t('key.remove.none.body'))] };
}

export const command: Command = {
  data: described(new SlashCommandBuilder().setName('apikey'), 'cmd.apikey')
    .addSubcommand((s) =>
      described(s.setName('set'), 'cmd.apikey.set').addStringOption((o) =>
          described(o.setName('key'), 'cmd.apikey.set.key').setRequired(true).setMaxLength(MAX_KEY_LENGTH),
        ),
    )
    .addSubcommand((s) => described(s.setName('status'), 'cmd.apikey.status'))
    .addSubcommand((s) => described(s.setName('remove'), 'cmd.apikey.remove')),
  access: 'admin',
  visibility: 'ephemeral',
  async execute(input, ctx) {
    const { guildId } = input;
    switch (input.subcommand) {
      case 'set':
        return set(guildId, input.caller.id, stringOption(input, 'key'), ctx);
      case 'status':
        return status(guildId, ctx);
      case 'remove':
        return remove(guildId, input.caller.id, ctx);
      default:
        return { outcome: 'invalid-input', embeds: [unknownSubcommand(ctx.t, '/apikey set', '/apikey status', '/apikey remove')] };
    }
  },
};
