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

/** The secrets that must never leave the process in a log line. */
export class SecretSet {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short strings would scrub ordinary words; the key rules make real keys longer.
    if (secret && secret.length >= 6) this.secrets.add(secret);
  }

  scrub(line: string): string {
    let out = line;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
      // JSON-escaped forms too, for secrets with quotes or backslashes.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join(MASK);
    }
    return out;
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
  const sink: DestinationStream = options.destination ?? pino.destination({ dest: 1, sync: true });
  // Scrub the JSON line first, then (for people) format it: both formats pass the same gate.
  const format = options.format === 'pretty' ? prettyFactory({ colorize: false, translateTime: 'SYS:standard', ignore: 'pid,hostname' }) : (line: string) => line;
  const scrubbed: DestinationStream = { write: (line: string) => sink.write(format(options.secrets.scrub(line))) };
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
