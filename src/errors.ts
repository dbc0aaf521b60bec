/**
 * The errors of the process layer: configuration, key files, the entries. Each is expected: its
 * message names the variable, path or argument and the fix, and an entry prints it as one line.
 */
import { BotError } from './core/errors.js';

/** The environment (or an argument standing for a variable) is missing or wrong: the message names which and how to fix it. */
export class ConfigError extends BotError {
  override name = 'ConfigError';
  readonly code = 'SDBOT_CONFIG';
  override readonly expected = true;
}

/** A key file that exists but cannot be read: the message names the file. */
export class KeyFileError extends BotError {
  override name = 'KeyFileError';
  readonly code = 'SDBOT_KEY_FILE';
  override readonly expected = true;
}

/** Start-up (or an operator command) cannot go on, for a reason its message gives with the fix. */
export class StartupError extends BotError {
  override name = 'StartupError';
  readonly code = 'SDBOT_STARTUP';
  override readonly expected = true;
}

/** What a process says when Discord refuses DISCORD_TOKEN (401), at start and when registering commands. */
export const TOKEN_REFUSED =
  'DISCORD_TOKEN was refused by Discord: copy a fresh token from the Developer Portal (Bot > Reset Token) into .env';
