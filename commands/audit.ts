/** /audit: the last 10 things done in this server (key changes, access changes, clears). Admins only. */
import { SlashCommandBuilder } from '@discordjs/builders';
import { roleMention, userMention } from '@discordjs/formatters';
import { type AuditEvent, recentEvents } from '../src/core/guilds.js';
import type { Command } from '../src/interactions/command.js';
import { info, outcomeLabel, relative } from '../src/interactions/replies.js';

function describe(event: AuditEvent): string {
  const who = userMention(event.userId);
  switch (event.action) {
    case 'key-set':
      return `${who} set the API key`;
    case 'key-remove':
      return `${who} removed the API key`;
    case 'role-grant':
      return `${who} granted ${roleMention(event.detail ?? '0')} access`;
    case 'role-revoke':
      return `${who} revoked access from ${roleMention(event.detail ?? '0')}`;
    case 'clear':
      return `${who} cleared the cache: ${outcomeLabel(event.detail ?? '')}${event.latencyMs !== undefined ? ` (${event.latencyMs} ms)` : ''}`;
  }
}

export const command: Command = {
  data: new SlashCommandBuilder().setName('audit').setDescription('Show the last 10 key, access and cache events in this server (admins only)'),
  access: 'admin',
  visibility: 'ephemeral',
  async execute(_input, ctx) {
    const events = recentEvents(ctx.settings, 10);
    const body = events.length ? events.map((e) => `${relative(e.at)} ${describe(e)}`).join('\n') : 'Nothing yet. Key changes, access changes and clears will show here.';
    return { outcome: 'ok', embeds: [info('Audit trail (newest first)', body)] };
  },
};
