/**
 * Discord's request signature: Ed25519 over `X-Signature-Timestamp` + the raw body, checked against
 * the application's public key before anything of the body is read as JSON. A timestamp far from
 * now is refused too, so a captured request cannot be replayed later.
 */
import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
/** Discord's own guidance; beyond this a request is a replay or a clock far off. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

/** The application's public key, imported once (WebCrypto: each check then runs off the main thread). */
export function publicKeyFromHex(hex: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey('raw', Buffer.from(hex, 'hex'), { name: 'Ed25519' }, false, ['verify']);
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Whether the headers are well formed, before the body is read (a missing signature costs nothing). */
export function signatureHeaders(signature: unknown, timestamp: unknown, nowS = Date.now() / 1000): SignatureCheck {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{128}$/.test(signature))
    return { ok: false, reason: 'missing or malformed X-Signature-Ed25519' };
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing or malformed X-Signature-Timestamp' };
  if (Math.abs(nowS - Number(timestamp)) > MAX_CLOCK_SKEW_S) return { ok: false, reason: 'timestamp too far from now' };
  return { ok: true };
}

export async function verifySignature(
  key: CryptoKey,
  signature: string,
  timestamp: string,
  body: Buffer,
): Promise<boolean> {
  try {
    return await webcrypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      Buffer.from(signature, 'hex'),
      Buffer.concat([Buffer.from(timestamp, 'utf8'), body]),
    );
  } catch {
    return false;
  }
}
