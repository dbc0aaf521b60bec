/** What a Stable Diffusion API key may look like, and how it is shown: never whole. */

export const MAX_KEY_LENGTH = 256;
/** ModelsLab's dashboard keys are long (60 characters in the ones seen); anything much shorter is a slip of the paste. */
export const MIN_KEY_LENGTH = 16;
/** A key shorter than this must mix letters and digits, as generated keys do: shorter plain words are names or placeholders. */
const PLAIN_WORD_LENGTH = 32;

export type KeyCheck = { ok: true; key: string } | { ok: false; reason: string };

/**
 * Only what a real key can be: letters, digits, - and _, 16 to 256 of them, not a number and not a
 * plain word. The key is also scrubbed from every log line, so a value that could be an id, a word
 * or JSON punctuation in other servers' lines must never be accepted as a key.
 */
export function checkApiKey(input: string | null | undefined): KeyCheck {
  const key = input ?? '';
  if (key.length === 0) return { ok: false, reason: 'The key is empty. Paste the API key from your ModelsLab dashboard.' };
  if (key.length > MAX_KEY_LENGTH) return { ok: false, reason: `The key is ${key.length} characters long; keys are at most ${MAX_KEY_LENGTH}. Check that you pasted only the key.` };
  // \p{C} covers control, format (zero-width) and unassigned characters that a paste can carry along.
  if (/[\s\p{C}]/u.test(key)) return { ok: false, reason: 'The key contains spaces, line breaks or invisible characters. Paste the key alone.' };
  if (/^["'`].*["'`]$/.test(key)) return { ok: false, reason: 'The key is in quotes. Paste the key alone, without quotes.' };
  if (!/^[A-Za-z0-9_-]+$/.test(key)) {
    return { ok: false, reason: 'The key contains characters API keys do not use: keys are letters and digits (- and _ are allowed too). Paste the key alone, without quotes or punctuation.' };
  }
  if (key.length < MIN_KEY_LENGTH) {
    return { ok: false, reason: `The key is ${key.length} characters long; API keys are at least ${MIN_KEY_LENGTH}, and ModelsLab's are much longer. Check that you copied all of it.` };
  }
  if (/^\d+$/.test(key)) {
    return { ok: false, reason: 'The key is only digits, so it looks like an id (of a server, user or channel), not an API key. Copy the key from your ModelsLab dashboard (API Keys).' };
  }
  if (key.length < PLAIN_WORD_LENGTH && !(/[A-Za-z]/.test(key) && /\d/.test(key))) {
    return { ok: false, reason: 'That looks like a word or a placeholder, not an API key: keys from the ModelsLab dashboard mix letters and digits. Copy the key itself from the dashboard (API Keys).' };
  }
  return { ok: true, key };
}

/** At most the last 4 characters, and fewer for short keys, so a mask never reveals most of a key. */
export function maskKey(key: string): string {
  const shown = key.length >= 12 ? 4 : key.length >= 8 ? 2 : 0;
  return `••••${shown ? key.slice(-shown) : ''}`;
}
