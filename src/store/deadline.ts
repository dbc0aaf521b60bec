/**
 * How long one store call may take, the same on every backend: the one place that says so (an
 * operator may set another with STORE_TIMEOUT_MS, e.g. for a remote database with long failovers).
 *
 * Why 10 s: an interaction is deferred within Discord's 3 s and its answer may then come up to
 * 15 minutes later, so the bound is not Discord's but the person's, who watches "thinking…" and
 * should get a plain answer while still looking. 10 s is twice the longest stall worth riding
 * out (a 5 s lock, a checkpoint, a Redis fork, a short failover), and the longest path, a
 * /clearcache (read, take, API call, record), still ends within a minute. Past it the call fails
 * as "Storage unavailable" (a write: "outcome unknown"), and /help answers without the store.
 * The drivers' own limits (SQLite's busy timeout, PostgreSQL's statement_timeout) are set a second
 * shorter, so a call the server gives up on fails as a definite "nothing written" first.
 */
import { StoreTimeoutError } from '../core/errors.js';

export const STORE_DEADLINE_MS = 10_000;

/** The drivers' own limits end this much before the deadline (see above). */
export const DRIVER_MARGIN_MS = 1000;

/** A driver's own limit for a deadline: a little shorter, never below a quarter of it. */
export const driverLimit = (deadlineMs: number) => Math.max(Math.ceil(deadlineMs / 4), deadlineMs - DRIVER_MARGIN_MS);

/** The call's value, or StoreTimeoutError once `ms` have passed (the call itself runs on). */
export async function withDeadline<T>(operation: string, ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(operation, ms)), ms);
  });
  const call = run();
  // A call that fails after its deadline has already been reported: its rejection is not unhandled.
  call.catch(() => undefined);
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every step of a walk bounded by the deadline (a walk itself may take many). */
export async function* walkWithin<T>(operation: string, ms: number, walk: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = walk[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await withDeadline(operation, ms, () => iterator.next());
      if (step.done) return;
      yield step.value;
    }
  } finally {
    // Left early (an error, or the caller stopped): let the walk close what it holds, without waiting on it.
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
