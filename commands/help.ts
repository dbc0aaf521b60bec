/**
 * /help: what the bot does, what this member may use here (admins see the admin commands, members
 * of a granted role see /clearcache, others are told who to ask), whether this server has a key set
 * (never the key), and links. Open to everyone, private, and answered even when the store is down.
 */
import { SlashCommandBuilder } from '@discordjs/builders';
import { mayRun } from '../src/core/access.js';
import { described } from '../src/i18n/index.js';
import type { Command } from '../src/interactions/command.js';
import { embed } from '../src/interactions/replies.js';

export const command: Command = {
  data: described(new SlashCommandBuilder().setName('help'), 'cmd.help'),
  access: 'everyone',
  visibility: 'ephemeral',
  async execute(input, ctx) {
    const { t, settings } = ctx;
    const admin = mayRun('admin', input.caller, settings.roles);
    const operator = mayRun('operator', input.caller, settings.roles);
    const yours = admin
      ? [t('help.admin.apikey'), t('help.admin.access'), t('help.admin.audit'), t('help.clearcache'), t('help.help')]
      : operator
        ? [t('help.clearcache'), t('help.help')]
        : [t('help.none')];
    const key = ctx.storeUnavailable
      ? t('help.key.unknown')
      : settings.apiKey
        ? t('help.key.set')
        : t('help.key.unset');
    return {
      outcome: ctx.storeUnavailable ? 'store-error' : 'ok',
      embeds: [
        embed('info', t('help.title'), t('help.about'), [
          { name: t('help.yours'), value: yours.map((line) => `• ${line}`).join('\n') },
          { name: t('help.key'), value: key },
          { name: t('help.links'), value: t('help.links.value') },
        ]),
      ],
    };
  },
};
