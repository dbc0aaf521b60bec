/**
 * Sealing of API keys at rest: AES-256-GCM under ENCRYPTION_KEY, bound to the guild it belongs to.
 * Sealed form: `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url). The kid names which key sealed it,
 * so a store mid-rotation says plainly which values need the old key and which the new.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** Why a sealed value does not open: sealed under another key, altered, or not a sealed value at all. */
export type OpenFailure = 'other-key' | 'tampered' | 'malformed';

export type OpenResult = { ok: true; plaintext: string } | { ok: false; reason: OpenFailure };

export interface Sealer {
  /** A short public fingerprint of the key (not secret: a hash prefix). */
  readonly kid: string;
  /** The key's check value: proves which key seals a store without holding the key (see keyCheckValue). */
  readonly check: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): OpenResult;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update('sd-bot key id\0').update(key).digest('base64url').slice(0, 11);
}

/**
 * A key check value: an HMAC of a fixed label under the key. Stored beside the sealed keys, it tells
 * whether a key is the one that seals them before anything is sealed, and it cannot be turned back
 * into the key.
 */
export function keyCheckValue(key: Buffer): string {
  return createHmac('sha256', key).update('sd-bot sealing key check v1').digest('base64url');
}

/** The kid a sealed value was made under, or undefined when it is not a sealed value. */
export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('an AES-256 key is 32 bytes');
  const kid = keyId(key);
  return {
    kid,
    check: keyCheckValue(key),
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        kid,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(sealed, context) {
      const [version, sealedKid, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined)
        return { ok: false, reason: 'malformed' };
      if (sealedKid !== kid) return { ok: false, reason: 'other-key' };
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plaintext = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
        return { ok: true, plaintext };
      } catch {
        return { ok: false, reason: 'tampered' };
      }
    },
  };
}
