/**
 * Waiting on a stand-in's state without polling and without hanging a test run.
 *
 *   const waits = createWaits('Discord stand-in');
 *   const topic = waits.topic();                 // a set of wake-ups for one thing (one interaction...)
 *   waits.until(topic, () => value ?? undefined, 2_000, 'the callback')   // resolves with the value
 *   waits.notify(topic);                         // after changing state: probes run again
 *   waits.closeAll();                            // rejects every pending wait (stand-in closing)
 *
 * A wait rejects with `<owner>: no <what> within <ms> ms` (plus `detail()` if given) rather than
 * hanging, and its timer is cleared as soon as it settles so no handle outlives it.
 *
 *   await settlesWithin(sd.close(), 5_000, 'sd.close() with a request still open');
 *
 * settlesWithin is the safety net for a promise that should settle on its own (an event): it never
 * makes a test pass sooner or later, it only turns a hang into a failure that says what did not come.
 */
export type Topic = Set<() => void>;

export interface Waits {
  topic(): Topic;
  until<T>(
    topic: Topic,
    probe: () => T | undefined,
    timeoutMs: number,
    what: string,
    detail?: () => string,
  ): Promise<T>;
  notify(topic: Topic): void;
  closeAll(): void;
}

export function createWaits(owner: string): Waits {
  const pending = new Set<(error: Error) => void>();
  let closed = false;
  return {
    topic: () => new Set(),
    until(topic, probe, timeoutMs, what, detail) {
      const ready = probe();
      if (ready !== undefined) return Promise.resolve(ready);
      if (closed) return Promise.reject(new Error(`${owner}: closed before ${what}`));
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const value = probe();
          if (value === undefined) return;
          settle();
          resolve(value);
        };
        const fail = (error: Error): void => {
          settle();
          reject(error);
        };
        const timer = setTimeout(() => {
          const extra = detail ? `; ${detail()}` : '';
          fail(new Error(`${owner}: no ${what} within ${timeoutMs} ms${extra}`));
        }, timeoutMs);
        const settle = (): void => {
          clearTimeout(timer);
          topic.delete(check);
          pending.delete(fail);
        };
        topic.add(check);
        pending.add(fail);
      });
    },
    notify(topic) {
      for (const check of [...topic]) check();
    },
    closeAll() {
      closed = true;
      for (const fail of [...pending]) fail(new Error(`${owner}: closed while waiting`));
    },
  };
}

/** Resolves or rejects as `promise` does, or rejects with `no <what> within <ms> ms` if it has not settled by then. */
export function settlesWithin<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
