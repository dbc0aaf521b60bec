/** What a Stable Diffusion API key may look like, and how it is shown: never whole. */

export const MAX_KEY_LENGTH = 256;

export type KeyCheck = { ok: true; key: string } | { ok: false; reason: string };

export function checkApiKey(input: string | null | undefined): KeyCheck {
  const key = input ?? '';
  if (key.length === 0) return { ok: false, reason: 'The key is empty. Paste the API key from your ModelsLab dashboard.' };
  if (key.length > MAX_KEY_LENGTH) return { ok: false, reason: `The key is ${key.length} characters long; keys are at most ${MAX_KEY_LENGTH}. Check that you pasted only the key.` };
  // \p{C} covers control, format (zero-width) and unassigned characters that a paste can carry along.
  if (/[\s\p{C}]/u.test(key)) return { ok: false, reason: 'The key contains spaces, line breaks or invisible characters. Paste the key alone.' };
  return { ok: true, key };
}

/** At most the last 4 characters, and fewer for short keys, so a mask never reveals most of a key. */
export function maskKey(key: string): string {
  const shown = key.length >= 12 ? 4 : key.length >= 8 ? 2 : 0;
  return `••••${shown ? key.slice(-shown) : ''}`;
}
