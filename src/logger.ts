/**
 * The logger: pino, with redaction that does not depend on where a secret sits. Named fields are
 * censored by path, and every line is scrubbed on its way out of every secret the process has
 * registered (the bot token, each API key it has seen), whatever field, error or dump carries it.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

const REDACT_PATHS = ['key', 'token', 'apiKey', '*.key', '*.token', '*.apiKey', 'headers.authorization', '*.headers.authorization', 'config.discordToken'];
const MASK = '[redacted]';
const MIN_SECRET = 6;

/** The secrets that must never leave the process in a log line. */
export class SecretSet {
  // Indexed by their first characters, so scrubbing a line costs the same with 1 secret or 10,000.
  private readonly byPrefix = new Map<string, string[]>();

  add(secret: string | undefined): void {
    // Very short strings would scrub ordinary words; the key rules make real keys longer.
    if (!secret || secret.length < MIN_SECRET) return;
    // As written, and as it appears inside a JSON string (quotes and backslashes escaped).
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      const prefix = form.slice(0, MIN_SECRET);
      const list = this.byPrefix.get(prefix) ?? [];
      if (list.includes(form)) continue;
      list.push(form);
      list.sort((a, b) => b.length - a.length);
      this.byPrefix.set(prefix, list);
    }
  }

  scrub(line: string): string {
    if (this.byPrefix.size === 0) return line;
    let out = '';
    let copied = 0;
    for (let i = 0; i + MIN_SECRET <= line.length; ) {
      const hit = this.byPrefix.get(line.slice(i, i + MIN_SECRET))?.find((secret) => line.startsWith(secret, i));
      if (hit) {
        out += line.slice(copied, i) + MASK;
        i += hit.length;
        copied = i;
      } else i += 1;
    }
    return copied === 0 ? line : out + line.slice(copied);
  }
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
  const format = options.format === 'pretty' ? prettyFactory({ colorize: false, translateTime: 'SYS:standard', ignore: 'pid,hostname' }) : (line: string) => line;
  const scrubbed: DestinationStream = { write: (line: string) => out.write(format(options.secrets.scrub(line))) };
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: MASK },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    scrubbed,
  );
}
