/** Who sends an interaction, in a stand-in guild: by role, as Discord computes their permissions. */
import type { DiscordStandIn, InteractionSpec, VisibleReply } from './discord-standin.js';

export const ADMIN_ID = '300000000000000001';
export const MOD_ID = '300000000000000002';
export const MEMBER_ID = '300000000000000003';

/** Admin holds the Administrator role, mod the Manage Server role, member only what @everyone has. */
export function people(discord: DiscordStandIn, guildId: string) {
  const role = (name: string) => discord.roleByName(guildId, name).id;
  const base = { guildId };
  return {
    admin: { ...base, userId: ADMIN_ID, roles: [role('Admin')] },
    mod: { ...base, userId: MOD_ID, roles: [role('Moderator')] },
    member: { ...base, userId: MEMBER_ID, roles: [] as string[] },
    withRoles: (userId: string, ...roleIds: string[]) => ({ ...base, userId, roles: roleIds }),
  } satisfies Record<string, Partial<InteractionSpec> | ((...a: string[]) => Partial<InteractionSpec>)>;
}

export const EPHEMERAL = 1 << 6;
export const isEphemeral = (reply: VisibleReply) => ((reply.message.flags ?? 0) & EPHEMERAL) !== 0;
export const embedOf = (reply: VisibleReply) => {
  const embed = reply.message.embeds[0];
  if (!embed) throw new Error(`no embed in the reply: ${JSON.stringify(reply.body)}`);
  return {
    title: embed.title ?? '',
    description: embed.description ?? '',
    fields: embed.fields ?? [],
    all: JSON.stringify(embed),
  };
};
