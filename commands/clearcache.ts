/**
 * /clearcache: clear the cache of this server's Stable Diffusion API account. Admins and granted
 * roles; one clear per server at a time, then a cooldown. The answer is public: the whole server
 * shares the account.
 */
import { SlashCommandBuilder } from '@discordjs/builders';
import { described } from '../src/i18n/index.js';
import type { Command } from '../src/interactions/command.js';
import { clearAttemptEmbed } from '../src/interactions/replies.js';

export const command: Command = {
  data: described(new SlashCommandBuilder().setName('clearcache'), 'cmd.clearcache'),
  access: 'operator',
  visibility: 'public',
  // From the settings the pipeline already read: the clear itself enforces it again, atomically.
  cooldownUntil: (ctx) => ctx.clears.cooldownUntil(ctx.settings),
  async execute(input, ctx) {
    const attempt = await ctx.clears.clear(input.guildId, input.caller.id, ctx.settings);
    const outcome = attempt.kind === 'done' ? attempt.result.outcome.kind : attempt.kind;
    // Lost a race for the cooldown, or another process's clear ran long: a notice for the caller only.
    return {
      outcome,
      embeds: [clearAttemptEmbed(ctx.t, attempt)],
      ephemeral: attempt.kind === 'cooldown' || attempt.kind === 'busy',
    };
  },
};
