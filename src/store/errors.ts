/** The store layer's errors (the port's own, StoreError and the rest, are in core/errors.ts). */
import { BotError } from '../core/errors.js';

/** A store that cannot be opened, or a database file that cannot be backed up or restored: the message names the path or URL and the fix. */
export class StoreOpenError extends BotError {
  override name = 'StoreOpenError';
  readonly code = 'SDBOT_STORE_OPEN';
  override readonly expected = true;
}
