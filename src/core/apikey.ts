/** What a Stable Diffusion API key may look like, and how it is shown: never whole. */

export const MAX_KEY_LENGTH = 256;
/** ModelsLab's dashboard keys are long (60 characters in the ones seen); anything much shorter is a slip of the paste. */
export const MIN_KEY_LENGTH = 16;
/** A key shorter than this must mix letters and digits, as generated keys do: shorter plain words are names or placeholders. */
const PLAIN_WORD_LENGTH = 32;

/** Why a key was refused; the words are the interactions' (in the caller's language). */
export type KeyProblem =
  | { problem: 'empty' | 'whitespace' | 'quoted' | 'characters' | 'digits' | 'word' }
  | { problem: 'too-long'; length: number; max: number }
  | { problem: 'too-short'; length: number; min: number };

export type KeyCheck = { ok: true; key: string } | ({ ok: false } & KeyProblem);

/**
 * Only what a real key can be: letters, digits, - and _, 16 to 256 of them, not a number and not a
 * plain word. The key is also scrubbed from every log line, so a value that could be an id, a word
 * or JSON punctuation in other servers' lines must never be accepted as a key.
 */
export function checkApiKey(input: string | null | undefined): KeyCheck {
  const key = input ?? '';
  if (key.length === 0) return { ok: false, problem: 'empty' };
  if (key.length > MAX_KEY_LENGTH) return { ok: false, problem: 'too-long', length: key.length, max: MAX_KEY_LENGTH };
  // \p{C} covers control, format (zero-width) and unassigned characters that a paste can carry along.
  if (/[\s\p{C}]/u.test(key)) return { ok: false, problem: 'whitespace' };
  if (/^["'`].*["'`]$/.test(key)) return { ok: false, problem: 'quoted' };
  if (!/^[A-Za-z0-9_-]+$/.test(key)) return { ok: false, problem: 'characters' };
  if (key.length < MIN_KEY_LENGTH) return { ok: false, problem: 'too-short', length: key.length, min: MIN_KEY_LENGTH };
  if (/^\d+$/.test(key)) return { ok: false, problem: 'digits' };
  if (key.length < PLAIN_WORD_LENGTH && !(/[A-Za-z]/.test(key) && /\d/.test(key)))
    return { ok: false, problem: 'word' };
  return { ok: true, key };
}

/** At most the last 4 characters, and fewer for short keys, so a mask never reveals most of a key. */
export function maskKey(key: string): string {
  const shown = key.length >= 12 ? 4 : key.length >= 8 ? 2 : 0;
  return `••••${shown ? key.slice(-shown) : ''}`;
}
