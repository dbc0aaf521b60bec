/**
 * Discord's side of the HTTP interactions endpoint: an Ed25519 key pair (the application's public
 * key goes to the bot), signed deliveries, and the check Discord runs when the endpoint URL is saved.
 *
 *   const signer = createSigner();
 *   signer.publicKeyHex                                  // DISCORD_PUBLIC_KEY for the bot
 *   const headers = signer.headers(body)                 // x-signature-ed25519 / -timestamp
 *   const res = await deliver(url, body, headers)        // { status, body, at }
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Signer {
  publicKeyHex: string;
  /** Signature headers for a body, at `timestamp` (unix seconds; default now). */
  headers(body: string | Buffer, timestamp?: number): Record<string, string>;
}

export function createSigner(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    publicKeyHex: raw.toString('hex'),
    headers(body, timestamp = Math.floor(Date.now() / 1000)) {
      const ts = String(timestamp);
      const signature = sign(null, Buffer.concat([Buffer.from(ts), Buffer.from(body)]), privateKey).toString('hex');
      return { 'x-signature-ed25519': signature, 'x-signature-timestamp': ts };
    },
  };
}

export interface Delivered {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
  /** performance.now() when the response was complete. */
  at: number;
}

/** One POST on its own connection, as Discord's delivery (bounded by timeoutMs). */
export function deliver(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  timeoutMs = 10_000,
): Promise<Delivered> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
          ...headers,
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, at: performance.now() });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
