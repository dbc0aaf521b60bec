/**
 * Discord's request signature: Ed25519 over `X-Signature-Timestamp` + the raw body, checked against
 * the application's public key before anything of the body is read as JSON. A timestamp far from
 * now is refused too, so a captured request cannot be replayed later.
 */
import { type KeyObject, createPublicKey, verify } from 'node:crypto';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo: the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** Discord's own guidance; beyond this a request is a replay or a clock far off. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Whether the headers are well formed, before the body is read (a missing signature costs nothing). */
export function signatureHeaders(signature: unknown, timestamp: unknown, nowS = Date.now() / 1000): SignatureCheck {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, reason: 'missing or malformed X-Signature-Ed25519' };
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing or malformed X-Signature-Timestamp' };
  if (Math.abs(nowS - Number(timestamp)) > MAX_CLOCK_SKEW_S) return { ok: false, reason: 'timestamp too far from now' };
  return { ok: true };
}

export function verifySignature(key: KeyObject, signature: string, timestamp: string, body: Buffer): boolean {
  try {
    return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}
