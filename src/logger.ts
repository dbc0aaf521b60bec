/**
 * The logger: pino, with redaction that does not depend on where a secret sits. Named fields are
 * censored by path, and every line is scrubbed on its way out of every secret the process has
 * registered (the bot token, each API key it has seen), whatever field, error or dump carries it.
 * Scrubbing reads the line as JSON and touches strings only, and a secret is replaced only where it
 * stands as a whole word: no value can alter a line's structure, its numbers, or another word in it.
 */
import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { prettyFactory as PrettyFactory } from 'pino-pretty';

export type { Logger };

const REDACT_PATHS = [
  'key',
  'token',
  'apiKey',
  '*.key',
  '*.token',
  '*.apiKey',
  'headers.authorization',
  '*.headers.authorization',
  'config.discordToken',
];
const MASK = '[redacted]';
/** As long as the shortest API key accepted: shorter strings are ordinary words, not secrets. */
const MIN_SECRET = 16;
/** Characters that make up a word (A-Z a-z 0-9 _ -): a secret must not continue into one on either side. */
function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

/**
 * Whether a value can be told apart from ordinary log content: long, no whitespace, starting with
 * a word character, not a number (an id, a time), and not a plain word (letters and digits both,
 * unless very long). A server's key that fails this is not scrubbed rather than scrub others' lines.
 */
export function isSecretShaped(secret: string): boolean {
  if (secret.length < MIN_SECRET || /[\s\p{C}]/u.test(secret) || !isWord(secret.charCodeAt(0)) || /^\d+$/.test(secret))
    return false;
  return secret.length >= 32 || (/[A-Za-z]/.test(secret) && /\d/.test(secret));
}

/**
 * The secrets that must never leave the process in a log line: pinned ones (the bot token) for
 * good, and the API keys seen, up to a capacity, the least recently seen dropped first. A key is
 * seen again whenever it is opened to be used, so a dropped one is back before it can be logged.
 */
export class SecretSet {
  // Indexed by their first word: scrubbing a line costs one lookup per word, however many secrets.
  private readonly byHead = new Map<string, string[]>();
  private readonly pinned = new Set<string>();
  // Insertion order is recency: re-adding moves a key to the end, eviction takes from the front.
  private readonly seen = new Map<string, true>();

  constructor(private readonly capacity = 10_000) {}

  /** How many secrets are held (pinned and seen). */
  get size(): number {
    return this.pinned.size + this.seen.size;
  }

  /** Registers a secret for the life of the process; false when it is not secret-shaped. */
  pin(secret: string | undefined): boolean {
    if (!secret || !isSecretShaped(secret)) return false;
    if (this.pinned.has(secret)) return true;
    if (!this.seen.delete(secret)) this.index(secret); // a key already seen is indexed already
    this.pinned.add(secret);
    return true;
  }

  /** Registers a key just seen; false when it is not secret-shaped (see isSecretShaped) and so ignored. */
  add(secret: string | undefined): boolean {
    if (!secret || !isSecretShaped(secret)) return false;
    if (this.pinned.has(secret)) return true;
    if (this.seen.delete(secret)) {
      this.seen.set(secret, true);
      return true;
    }
    this.index(secret);
    this.seen.set(secret, true);
    for (const oldest of this.seen.keys()) {
      if (this.seen.size <= this.capacity) break;
      this.seen.delete(oldest);
      this.unindex(oldest);
    }
    return true;
  }

  /** As written, and as it appears inside JSON text held in a string (quotes and backslashes escaped). */
  private forms(secret: string): Set<string> {
    return new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  }

  private index(secret: string): void {
    for (const form of this.forms(secret)) {
      const head = firstWord(form, 0);
      const list = this.byHead.get(head) ?? [];
      list.push(form); // a form shared by two secrets is listed twice, so dropping one keeps the other
      list.sort((a, b) => b.length - a.length);
      this.byHead.set(head, list);
    }
  }

  private unindex(secret: string): void {
    for (const form of this.forms(secret)) {
      const head = firstWord(form, 0);
      const list = this.byHead.get(head);
      const at = list?.indexOf(form) ?? -1;
      if (!list || at < 0) continue;
      list.splice(at, 1);
      if (list.length === 0) this.byHead.delete(head);
    }
  }

  /** Replaces each secret that stands as a whole word in text (not inside a longer word). */
  scrub(text: string): string {
    if (this.byHead.size === 0) return text;
    let out = '';
    let copied = 0;
    for (let i = 0; i < text.length; ) {
      if (!isWord(text.charCodeAt(i)) || isWord(text.charCodeAt(i - 1))) {
        i += 1;
        continue;
      }
      const head = firstWord(text, i);
      const hit = this.byHead
        .get(head)
        ?.find(
          (secret) =>
            text.startsWith(secret, i) &&
            !(isWord(secret.charCodeAt(secret.length - 1)) && isWord(text.charCodeAt(i + secret.length))),
        );
      if (hit) {
        out += text.slice(copied, i) + MASK;
        copied = i + hit.length;
        i = copied;
      } else i += head.length;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /** Scrubs a JSON log line's strings of secrets and Discord tokens; numbers and structure are left as they are. */
  scrubLine(line: string): string {
    return mapJsonStrings(line, (text) => this.scrub(maskDiscordTokens(text)));
  }
}

/**
 * The token in an interaction or webhook path (/interactions/{id}/{token}/callback,
 * /webhooks/{app}/{token}/messages/...) answers as the bot for 15 minutes: masked wherever it appears.
 */
const DISCORD_TOKEN_PATH = /\b(interactions|webhooks)\/([^/\s"'?#\\]+)\/([^/\s"'?#\\]+)/g;

export function maskDiscordTokens(text: string): string {
  return text.includes('interactions/') || text.includes('webhooks/')
    ? text.replace(DISCORD_TOKEN_PATH, `$1/$2/${MASK}`)
    : text;
}

/** Fields of discord.js REST errors that carry whole bodies: our reply (requestBody) and Discord's answer (rawError). */
const BODY_FIELDS = ['requestBody', 'rawError'];

/** pino's error serializer, minus request and answer bodies, with Discord tokens masked in url, message and stack. */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error);
  return serialized === error ? error : clean(serialized as unknown as Record<string, unknown>, 0);
}

function clean(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  for (const field of BODY_FIELDS) delete record[field];
  for (const field of ['url', 'message', 'stack']) {
    const value = record[field];
    if (typeof value === 'string') record[field] = maskDiscordTokens(value);
  }
  // Nested errors (AggregateError's list, an error kept in a field) were serialized by pino too:
  // clean those copies, never an object of the caller's.
  if (depth < 4) {
    const serializedProto = Object.getPrototypeOf(record) as unknown;
    for (const value of Object.values(record)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item !== null && typeof item === 'object' && Object.getPrototypeOf(item) === serializedProto)
          clean(item as Record<string, unknown>, depth + 1);
      }
    }
  }
  return record;
}

function firstWord(text: string, from: number): string {
  let end = from;
  while (end < text.length && isWord(text.charCodeAt(end))) end += 1;
  return text.slice(from, end);
}

/**
 * Rewrites each string of a JSON text (values and names) through edit, re-encoding only the ones
 * that changed; numbers and punctuation are copied byte for byte. Text that is not JSON is edited whole.
 */
export function mapJsonStrings(json: string, edit: (text: string) => string): string {
  let out = '';
  let copied = 0;
  for (let start = json.indexOf('"'); start !== -1; ) {
    let end = start;
    do {
      end = json.indexOf('"', end + 1);
      if (end === -1) return edit(json); // an unterminated string: not a JSON line
    } while (backslashesBefore(json, end) % 2 === 1);
    const literal = json.slice(start, end + 1);
    let text: string;
    try {
      text = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
    } catch {
      return edit(json); // an invalid escape: not a JSON line
    }
    const edited = edit(text);
    if (edited !== text) {
      out += json.slice(copied, start) + JSON.stringify(edited);
      copied = end + 1;
    }
    start = json.indexOf('"', end + 1);
  }
  return copied === 0 ? json : out + json.slice(copied);
}

function backslashesBefore(text: string, at: number): number {
  let n = 0;
  while (text.charCodeAt(at - 1 - n) === 92) n += 1;
  return n;
}

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  secrets: SecretSet;
  /** Where scrubbed lines go; standard output by default. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  // Asynchronous writes: a slow reader of standard output (a pipe, journald) never stalls the bot's
  // event loop. What is still buffered is written out when the process exits.
  let sink = options.destination;
  if (!sink) {
    const stdout = pino.destination({ dest: 1, sync: false });
    process.once('exit', () => stdout.flushSync());
    sink = stdout;
  }
  const out = sink;
  // Scrub the JSON line first, then (for people) format it: both formats pass the same gate.
  const format = options.format === 'pretty' ? prettyLines() : (line: string) => line;
  const scrubbed: DestinationStream = { write: (line: string) => out.write(format(options.secrets.scrubLine(line))) };
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: MASK },
      serializers: { err: serializeError, error: serializeError },
    },
    scrubbed,
  );
}

/** Readable lines for people; pino-pretty is loaded only when asked for (JSON lines need none of it). */
function prettyLines(): (line: string) => string {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as { prettyFactory: typeof PrettyFactory };
  return prettyFactory({ colorize: false, translateTime: 'SYS:standard', ignore: 'pid,hostname' });
}
