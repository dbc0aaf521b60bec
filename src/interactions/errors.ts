/** The errors of the interactions layer. */
import { BotError } from '../core/errors.js';

/** An option present but not of the kind the command declares: a stale registration or a forged payload. */
export class InputError extends BotError {
  override name = 'InputError';
  readonly code = 'SDBOT_INPUT';
}

/** A module in commands/ that is not a command, or a name two modules claim. */
export class CommandModuleError extends BotError {
  override name = 'CommandModuleError';
  readonly code = 'SDBOT_COMMAND_MODULE';
}
