/**
 * Who may run what, as pure functions over a member's permission bits and roles.
 * Admin = Administrator or Manage Server. An operator command also admits granted roles.
 */

export type AccessLevel = 'admin' | 'operator';

// Discord permission bits (https://discord.com/developers/docs/topics/permissions).
export const ADMINISTRATOR = 1n << 3n;
export const MANAGE_GUILD = 1n << 5n;
/** Discord defines about 50 permission bits; a value past 128 bits is not one it sends. */
const PERMISSION_LIMIT = 1n << 128n;

export interface Member {
  permissions: bigint;
  roleIds: readonly string[];
}

export function isAdmin(member: Member): boolean {
  return (member.permissions & (ADMINISTRATOR | MANAGE_GUILD)) !== 0n;
}

export function mayRun(level: AccessLevel, member: Member, grantedRoleIds: readonly string[]): boolean {
  if (isAdmin(member)) return true;
  if (level === 'admin') return false;
  return member.roleIds.some((id) => grantedRoleIds.includes(id));
}

/** Parses Discord's permission bitfield (a decimal string); anything malformed or out of range grants nothing. */
export function parsePermissions(value: unknown): bigint {
  const bits = typeof value === 'bigint' ? value : typeof value === 'string' && /^\d{1,60}$/.test(value) ? BigInt(value) : -1n;
  return bits >= 0n && bits < PERMISSION_LIMIT ? bits : 0n;
}

export type GrantCheck = { ok: true } | { ok: false; reason: string };

/** Which roles make sense to grant: not @everyone, not a bot's or integration's own role. */
export function checkGrantable(role: { id: string; managed: boolean }, guildId: string): GrantCheck {
  if (role.id === guildId) {
    return { ok: false, reason: 'Granting @everyone would let every member clear the cache. Create a role for the people who should, and grant that.' };
  }
  if (role.managed) {
    return { ok: false, reason: 'That role is managed by a bot or integration and cannot be given to members. Pick a role you assign yourself.' };
  }
  return { ok: true };
}
