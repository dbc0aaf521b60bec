/**
 * A store that fails part way through an operator command that a rerun finishes (rotate-key,
 * migrate-store): an expected failure saying so, not "unexpected failure: store write failed".
 */
import { StoreError, StoreTimeoutError } from '../core/errors.js';
import { StartupError } from '../errors.js';

/** The error to report: a store failure as a line saying the run can be repeated; any other as it is. */
export function resumable(error: unknown, where: string): unknown {
  if (!(error instanceof StoreError || error instanceof StoreTimeoutError)) return error;
  return new StartupError(
    `the store ${where} failed part way (${error.message}). Nothing done so far is lost: run the same command again to finish`,
  );
}
