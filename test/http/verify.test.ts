import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_S, publicKeyFromHex, signatureHeaders, verifySignature } from '../../src/http/verify.js';
import { createSigner } from '../support/discord-http.js';

describe('Discord request signatures', () => {
  const signer = createSigner();
  const body = Buffer.from('{"type":1}');

  it('accepts what the key pair signed, and nothing else', async () => {
    const key = await publicKeyFromHex(signer.publicKeyHex);
    const h = signer.headers(body);
    expect(await verifySignature(key, h['x-signature-ed25519']!, h['x-signature-timestamp']!, body)).toBe(true);
    expect(
      await verifySignature(key, h['x-signature-ed25519']!, h['x-signature-timestamp']!, Buffer.from('{"type":2}')),
    ).toBe(false);
    expect(
      await verifySignature(key, h['x-signature-ed25519']!, String(Number(h['x-signature-timestamp']) + 1), body),
    ).toBe(false);
    const other = createSigner().headers(body);
    expect(await verifySignature(key, other['x-signature-ed25519']!, other['x-signature-timestamp']!, body)).toBe(
      false,
    );
    expect(await verifySignature(key, 'zz', h['x-signature-timestamp']!, body)).toBe(false);
  });

  it('refuses missing or malformed headers, and timestamps more than 5 minutes away, before any body is read', () => {
    const now = 1_800_000_000;
    const good = 'ab'.repeat(64);
    expect(signatureHeaders(good, String(now), now)).toEqual({ ok: true });
    expect(signatureHeaders(undefined, String(now), now).ok).toBe(false);
    expect(signatureHeaders('ab', String(now), now).ok).toBe(false);
    expect(signatureHeaders(good, 'soon', now).ok).toBe(false);
    expect(signatureHeaders(good, String(now - MAX_CLOCK_SKEW_S - 1), now)).toEqual({
      ok: false,
      reason: 'timestamp too far from now',
    });
    expect(signatureHeaders(good, String(now + MAX_CLOCK_SKEW_S + 1), now).ok).toBe(false);
    expect(signatureHeaders(good, String(now - MAX_CLOCK_SKEW_S), now).ok).toBe(true);
  });
});
