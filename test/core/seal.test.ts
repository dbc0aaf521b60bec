import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer, sealedKeyId } from '../../src/core/seal.js';

describe('seal', () => {
  const sealer = createSealer(randomBytes(32));

  it('round-trips a key for the guild it was sealed for', () => {
    const sealed = sealer.seal('sk-live-1234567890', '111');
    expect(sealed).not.toContain('sk-live');
    expect(sealer.open(sealed, '111')).toEqual({ ok: true, plaintext: 'sk-live-1234567890' });
    expect(sealedKeyId(sealed)).toBe(sealer.kid);
  });

  it('seals the same key differently each time (fresh IV)', () => {
    expect(sealer.seal('same', '1')).not.toBe(sealer.seal('same', '1'));
  });

  it('refuses a value sealed under another key, saying so', () => {
    const other = createSealer(randomBytes(32));
    expect(sealer.open(other.seal('k', '1'), '1')).toEqual({ ok: false, reason: 'other-key' });
  });

  it('refuses a key moved to another guild', () => {
    expect(sealer.open(sealer.seal('k', '1'), '2')).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses tampered ciphertext, tag or iv', () => {
    const parts = sealer.seal('abcdefgh', '1').split('.');
    for (const index of [2, 3, 4]) {
      const copy = [...parts];
      const bytes = Buffer.from(copy[index]!, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      copy[index] = bytes.toString('base64url');
      expect(sealer.open(copy.join('.'), '1')).toEqual({ ok: false, reason: 'tampered' });
    }
  });

  it('refuses malformed input', () => {
    expect(sealer.open('plaintext-key', '1')).toEqual({ ok: false, reason: 'malformed' });
    expect(sealer.open('v1.a.b', '1')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('needs a 32-byte key', () => {
    expect(() => createSealer(randomBytes(16))).toThrow(/32 bytes/);
  });
});
