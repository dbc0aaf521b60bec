/**
 * Replays: Discord never delivers one interaction id twice, so a second signed request with an id
 * already received is a captured request sent again (the signature alone lets it in for as long as
 * its timestamp is within the allowed skew). Each id is claimed with an insert-if-absent in the
 * store, so every process sharing the store sees it, and in this process' memory, so a replay is
 * still caught while the store is unreachable. Claims outlive the signature window and no more:
 * a sweep deletes them once no request carrying them could pass the timestamp check.
 */
import type { RecordStore } from '../core/records.js';
import { within } from '../interactions/pipeline.js';
import type { Logger } from '../logger.js';
import { throttledWarn } from './throttle.js';
import { MAX_CLOCK_SKEW_S } from './verify.js';

export const REPLAY_PREFIX = 'interaction:';
/** A claim is kept while its signature timestamp can still pass (either side of now), plus a minute. */
const KEEP_S = 2 * MAX_CLOCK_SKEW_S + 60;
const SWEEP_EVERY_MS = 60_000;
/** The claim sits between the request and its answer (due within 3 s): past this, memory decides alone. */
const CLAIM_WAIT_MS = 1000;

export interface ReplayGuard {
  /** True the first time an id is seen (within the window), false for a repeat. */
  claim(id: string, timestampS: number): Promise<boolean>;
  /** Deletes the claims past their window; resolves with how many. */
  sweep(): Promise<number>;
  stop(): void;
}

export interface ReplayOptions {
  store: RecordStore;
  log: Logger;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

export function createReplayGuard({ store, log, now = Date.now }: ReplayOptions): ReplayGuard {
  const seen = new Map<string, number>();
  // Once per window however many interactions meet a store that is down (its errors are counted in the metrics).
  const warnUnrecorded = throttledWarn(
    log,
    'could not record interaction ids against replays in the store (failed or no answer within 1 s); this process still refuses a repeat it sees',
  );
  const expired = (value: unknown) => {
    const until = (value as { until?: unknown } | null)?.until;
    return typeof until !== 'number' || until < now();
  };

  const sweep = async () => {
    for (const [id, until] of seen) if (until < now()) seen.delete(id);
    let deleted = 0;
    for await (const record of store.scan(REPLAY_PREFIX)) {
      if ('value' in record && !expired(record.value)) continue;
      const current = await store.read(record.key).catch(() => undefined);
      // Read again: another process may have swept it, or (past its window) claimed the id anew.
      if (
        current &&
        current.version !== undefined &&
        expired(current.value) &&
        (await store.write(record.key, undefined, current.version)).ok
      )
        deleted += 1;
    }
    return deleted;
  };
  const timer = setInterval(() => {
    sweep().catch((err: unknown) =>
      log.warn({ err }, 'could not sweep the interaction ids kept against replays; next try in a minute'),
    );
  }, SWEEP_EVERY_MS);
  timer.unref();

  return {
    async claim(id, timestampS) {
      const until = (timestampS + KEEP_S) * 1000;
      if ((seen.get(id) ?? -Infinity) >= now()) return false;
      seen.set(id, until);
      const key = `${REPLAY_PREFIX}${id}`;
      const attempt = async (): Promise<boolean> => {
        const first = await store.write(key, { until }, undefined);
        if (first.ok) return true;
        // A claim left from an earlier window (not yet swept) does not make this one a repeat.
        const current = await store.read(key);
        if (!expired(current.value)) return false;
        return (await store.write(key, { until }, current.version)).ok;
      };
      const claimed = await within(
        attempt().catch(() => {
          warnUnrecorded('failed');
          return true;
        }),
        CLAIM_WAIT_MS,
      );
      if (claimed === undefined) warnUnrecorded('no answer');
      return claimed !== false;
    },
    sweep,
    stop: () => clearInterval(timer),
  };
}
