/**
 * What every error the bot raises on purpose carries, and the errors of the core (the store port's).
 * Each has a stable `code` (SDBOT_*), for logs and tests to match on, as fastify's FST_ERR_* and
 * discord.js's errors/ do. `expected` marks an error whose message already says what happened and
 * what to do: an entry point prints it as one plain line (src/cli.ts); any other is unexpected.
 * The other layers keep theirs in one module each: src/store/errors.ts, src/interactions/errors.ts,
 * src/errors.ts (configuration, key files, the entries).
 */

export abstract class BotError extends Error {
  abstract readonly code: `SDBOT_${string}`;
  /** The message alone tells an operator what to fix; no stack is needed. */
  readonly expected: boolean = false;
}

/** An error an entry reports as one plain line: the failure was foreseen, and its message says the fix. */
export function isExpected(error: unknown): boolean {
  return error instanceof BotError && error.expected;
}

/** The store did not answer one call within its deadline: the call may still land later. */
export class StoreTimeoutError extends BotError {
  override name = 'StoreTimeoutError';
  readonly code = 'SDBOT_STORE_TIMEOUT';
  constructor(
    readonly operation: string,
    readonly ms: number,
  ) {
    super(`no answer to a ${operation} within ${ms} ms`);
  }
}

export class StoreError extends BotError {
  override name = 'StoreError';
  readonly code = 'SDBOT_STORE';
  /**
   * 'none': the store refused or failed the call, so nothing was written. 'unknown': a write got no
   * answer in time; it may have landed (or land later), so nobody may say it did not.
   */
  readonly written: 'none' | 'unknown';
  constructor(operation: string, cause: unknown) {
    super(`store ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.written = operation === 'write' && cause instanceof StoreTimeoutError ? 'unknown' : 'none';
  }
}

/** A record that is there but cannot be read (not JSON, or not the shape the bot writes). */
export class DamagedRecordError extends BotError {
  override name = 'DamagedRecordError';
  readonly code = 'SDBOT_DAMAGED_RECORD';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`the record ${key} is damaged (${reason})`);
  }
}
