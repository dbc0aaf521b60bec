/**
 * Who may run what, as pure functions over a member's permission bits and roles.
 * Admin = Administrator or Manage Server. An operator command also admits granted roles.
 */

/** admin: Administrator or Manage Server; operator: admins and granted roles; everyone: any member. */
export type AccessLevel = 'admin' | 'operator' | 'everyone';

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
  if (level === 'everyone' || isAdmin(member)) return true;
  if (level === 'admin') return false;
  return member.roleIds.some((id) => grantedRoleIds.includes(id));
}

/**
 * Reads the permissions of an interaction payload, which Discord sends as a string of decimal
 * digits. Anything else grants nothing: "0x28", " 8", "Administrator", ["8"], numbers and bigints
 * (discord.js's parsed bitfield accepts all of these, so it is never what this reads).
 */
export function parsePermissions(value: unknown): bigint {
  if (typeof value !== 'string' || !/^\d{1,40}$/.test(value)) return 0n;
  const bits = BigInt(value);
  return bits < PERMISSION_LIMIT ? bits : 0n;
}

export type GrantCheck = { ok: true } | { ok: false; problem: 'everyone' | 'managed' };

/** Which roles make sense to grant: not @everyone, not a bot's or integration's own role. */
export function checkGrantable(role: { id: string; managed: boolean }, guildId: string): GrantCheck {
  if (role.id === guildId) {
    return { ok: false, problem: 'everyone' };
  }
  if (role.managed) {
    return { ok: false, problem: 'managed' };
  }
  return { ok: true };
}
