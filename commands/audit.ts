/** /audit: the last 10 things done in this server (key changes, access changes, clears). Admins only. */
import { SlashCommandBuilder } from '@discordjs/builders';
import { roleMention, userMention } from '@discordjs/formatters';
import { type AuditEvent, recentEvents } from '../src/core/guilds.js';
import { type Translate, described } from '../src/i18n/index.js';
import type { Command } from '../src/interactions/command.js';
import { info, outcomeLabel, relative } from '../src/interactions/replies.js';

function describe(t: Translate, event: AuditEvent): string {
  const user = userMention(event.userId);
  switch (event.action) {
    case 'key-set':
      return t('audit.key-set', { user });
    case 'key-remove':
      return t('audit.key-remove', { user });
    case 'role-grant':
      return t('audit.role-grant', { user, role: roleMention(event.detail ?? '0') });
    case 'role-revoke':
      return t('audit.role-revoke', { user, role: roleMention(event.detail ?? '0') });
    case 'clear': {
      const outcome = outcomeLabel(t, event.detail ?? '');
      return event.latencyMs === undefined
        ? t('audit.clear', { user, outcome })
        : t('audit.clear.timed', { user, outcome, ms: event.latencyMs });
    }
  }
}

export const command: Command = {
  data: described(new SlashCommandBuilder().setName('audit'), 'cmd.audit'),
  access: 'admin',
  visibility: 'ephemeral',
  async execute(_input, ctx) {
    const events = recentEvents(ctx.settings, 10);
    const body = events.length
      ? events.map((e) => `${relative(e.at)} ${describe(ctx.t, e)}`).join('\n')
      : ctx.t('audit.empty');
    return { outcome: 'ok', embeds: [info(ctx.t('audit.title'), body)] };
  },
};
