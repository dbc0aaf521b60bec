import { describe, expect, it } from 'vitest';
import {
  ADMINISTRATOR,
  MANAGE_GUILD,
  checkGrantable,
  isAdmin,
  mayRun,
  parsePermissions,
} from '../../src/core/access.js';

const member = (permissions: bigint, roleIds: string[] = []) => ({ permissions, roleIds });
const SEND_MESSAGES = 1n << 11n;

describe('access rules', () => {
  it('admin means Administrator or Manage Server', () => {
    expect(isAdmin(member(ADMINISTRATOR))).toBe(true);
    expect(isAdmin(member(MANAGE_GUILD))).toBe(true);
    expect(isAdmin(member(SEND_MESSAGES))).toBe(false);
  });

  it('admin commands admit admins only, granted roles or not', () => {
    expect(mayRun('admin', member(MANAGE_GUILD), [])).toBe(true);
    expect(mayRun('admin', member(SEND_MESSAGES, ['r1']), ['r1'])).toBe(false);
  });

  it('operator commands admit admins and holders of a granted role', () => {
    expect(mayRun('operator', member(ADMINISTRATOR), [])).toBe(true);
    expect(mayRun('operator', member(0n, ['r1', 'r2']), ['r2'])).toBe(true);
    expect(mayRun('operator', member(0n, ['r1']), ['r2'])).toBe(false);
    expect(mayRun('operator', member(0n, []), [])).toBe(false);
  });

  it('parses permission strings of decimal digits', () => {
    expect(parsePermissions('8')).toBe(8n);
    expect(parsePermissions('0008')).toBe(8n);
    expect(parsePermissions('2251799813685247')).toBe(2251799813685247n);
    expect(parsePermissions(((1n << 128n) - 1n).toString())).toBe((1n << 128n) - 1n);
  });

  it('grants nothing for any payload Discord never sends, however discord.js would read it', () => {
    const neverSent: unknown[] = [
      '0x28',
      '0X8',
      '0b1000',
      '0o10',
      ' 8',
      '8 ',
      '+8',
      '-8',
      '8.0',
      '1e3',
      '8n',
      '1_000',
      '８',
      'Administrator',
      'ManageGuild',
      '',
      'abc',
      ['8'],
      ['0x20'],
      { bitfield: 8n },
      8,
      40,
      8n,
      40n,
      -8n,
      true,
      null,
      undefined,
      (1n << 128n).toString(),
      '9'.repeat(41),
    ];
    for (const value of neverSent) {
      expect(parsePermissions(value), String(value)).toBe(0n);
      expect(isAdmin(member(parsePermissions(value)))).toBe(false);
    }
  });

  it('refuses to grant @everyone and managed roles', () => {
    expect(checkGrantable({ id: 'g1', managed: false }, 'g1')).toEqual({ ok: false, problem: 'everyone' });
    expect(checkGrantable({ id: 'r1', managed: true }, 'g1')).toEqual({ ok: false, problem: 'managed' });
    expect(checkGrantable({ id: 'r1', managed: false }, 'g1')).toEqual({ ok: true });
  });
});
