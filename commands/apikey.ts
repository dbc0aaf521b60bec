/**
 * /apikey set key:<key> | status | remove: the server's Stable Diffusion API key. Admins only.
 * The key is sealed at rest and only ever shown masked.
 */
import { SlashCommandBuilder } from '@discordjs/builders';
import { userMention } from '@discordjs/formatters';
import { MAX_KEY_LENGTH, checkApiKey, maskKey } from '../src/core/apikey.js';
import type { Command, CommandContext, CommandResult } from '../src/interactions/command.js';
import { stringOption } from '../src/interactions/input.js';
import { failure, info, outcomeLabel, stamp, success, warning, withField } from '../src/interactions/replies.js';

function storedMask(guildId: string, ctx: CommandContext): string | undefined {
  const opened = ctx.guilds.openKey(guildId, ctx.settings);
  if (opened.kind === 'ok') return maskKey(opened.key);
  return opened.kind === 'unreadable' ? '(cannot be opened with the current ENCRYPTION_KEY)' : undefined;
}

async function set(guildId: string, userId: string, key: string | undefined, ctx: CommandContext): Promise<CommandResult> {
  const checked = checkApiKey(key);
  if (!checked.ok) {
    const kept = ctx.settings.apiKey ? ' The key stored before is unchanged.' : '';
    return { outcome: 'invalid-input', embeds: [warning('Key not saved', `${checked.reason}${kept}`)] };
  }
  const previous = storedMask(guildId, ctx);
  await ctx.guilds.setKey(guildId, checked.key, userId);
  await ctx.clears.resetCooldown(guildId);
  const replaced = previous ? ` It replaces the previous key ${previous}.` : '';
  return {
    outcome: 'ok',
    embeds: [success('API key saved', `This server's key ${maskKey(checked.key)} is stored, encrypted.${replaced} Admins and granted roles can now run \`/clearcache\`.`)],
  };
}

function status(guildId: string, ctx: CommandContext): CommandResult {
  const { apiKey, lastClear } = ctx.settings;
  if (!apiKey) {
    return { outcome: 'ok', embeds: [info('No API key set', 'This server has no Stable Diffusion API key. Store one with `/apikey set`; keys are on your ModelsLab dashboard.')] };
  }
  const reply = info('API key set', `Key ${storedMask(guildId, ctx)}, set by ${userMention(apiKey.setBy)} on ${stamp(apiKey.setAt)}.`);
  const last = lastClear
    ? `${outcomeLabel(lastClear.outcome)}, by ${userMention(lastClear.by)} on ${stamp(lastClear.at)} (${lastClear.latencyMs} ms)`
    : 'none yet: run `/clearcache`';
  return { outcome: 'ok', embeds: [withField(reply, 'Last clear', last)] };
}

async function remove(guildId: string, userId: string, ctx: CommandContext): Promise<CommandResult> {
  const removed = await ctx.guilds.removeKey(guildId, userId);
  return removed
    ? { outcome: 'ok', embeds: [success('API key removed', 'The key is deleted from the bot. `/clearcache` will do nothing until an admin runs `/apikey set` again.')] }
    : { outcome: 'ok', embeds: [info('No API key to remove', 'This server had no key stored.')] };
}

export const command: Command = {
  data: new SlashCommandBuilder()
    .setName('apikey')
    .setDescription("Manage this server's Stable Diffusion API key (admins only)")
    .addSubcommand((s) =>
      s
        .setName('set')
        .setDescription("Store this server's Stable Diffusion API key (encrypted; shown only masked)")
        .addStringOption((o) => o.setName('key').setDescription('The API key from your ModelsLab dashboard').setRequired(true).setMaxLength(MAX_KEY_LENGTH)),
    )
    .addSubcommand((s) => s.setName('status').setDescription('Show whether a key is set (masked), who set it, and the last clear'))
    .addSubcommand((s) => s.setName('remove').setDescription("Delete this server's stored API key")),
  access: 'admin',
  visibility: 'ephemeral',
  async execute(input, ctx) {
    const guildId = input.guildId;
    switch (input.subcommand) {
      case 'set':
        return set(guildId, input.caller.id, stringOption(input, 'key'), ctx);
      case 'status':
        return status(guildId, ctx);
      case 'remove':
        return remove(guildId, input.caller.id, ctx);
      default:
        return { outcome: 'invalid-input', embeds: [failure('Unknown subcommand', 'Use `/apikey set`, `/apikey status` or `/apikey remove`.')] };
    }
  },
};
