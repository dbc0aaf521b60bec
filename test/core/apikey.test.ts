import { describe, expect, it } from 'vitest';
import { checkApiKey, maskKey } from '../../src/core/apikey.js';

describe('checkApiKey', () => {
  it('accepts a plain key', () => {
    expect(checkApiKey('AbCdEf0123456789xyz')).toEqual({ ok: true, key: 'AbCdEf0123456789xyz' });
  });
  it.each([
    ['', /empty/],
    [null, /empty/],
    ['abc def', /spaces/],
    ['abc\tdef', /spaces/],
    ['abcdef\n', /spaces/],
    ['abc\u0000def', /invisible/],
    ['abc\u200bdef', /invisible/],
    ['x'.repeat(257), /257 characters/],
  ])('refuses %j with the reason', (input, reason) => {
    const result = checkApiKey(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
  it('accepts exactly 256 characters', () => {
    expect(checkApiKey('k'.repeat(256)).ok).toBe(true);
  });
});

describe('maskKey', () => {
  it('shows at most the last 4 characters', () => {
    expect(maskKey('abcdefghijklmnop')).toBe('••••mnop');
    expect(maskKey('abcdefghij')).toBe('••••ij');
    expect(maskKey('abcdef')).toBe('••••');
  });
});
