/**
 * /clearcache: clear the cache of this server's Stable Diffusion API account. Admins and granted
 * roles; one clear per server at a time, then a cooldown. The answer is public: the whole server
 * shares the account.
 */
import { SlashCommandBuilder } from 'discord.js';
import type { BotCommand } from '../src/bot/commands.js';
import { clearAttemptEmbed } from '../src/bot/replies.js';

export const command: BotCommand = {
  data: new SlashCommandBuilder().setName('clearcache').setDescription("Clear this server's Stable Diffusion API cache (admins and granted roles)"),
  access: 'operator',
  defer: 'public',
  cooldownUntil: (guildId, clears) => clears.cooldownUntil(guildId),
  async execute(_interaction, ctx) {
    const attempt = await ctx.clears.clear(ctx.guildId, ctx.userId, ctx.settings);
    return { outcome: attempt.kind === 'done' ? attempt.result.outcome.kind : attempt.kind, embeds: [clearAttemptEmbed(attempt)] };
  },
};
