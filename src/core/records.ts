/**
 * What the core needs from a store, and nothing more: read a record with its version, write it only
 * if it is still at that version (compare-and-set), and walk records by prefix. Every backend
 * (SQLite, PostgreSQL, Redis) offers this on its own server, so one read-modify-write loop here is
 * atomic across every process that shares the store.
 */
import { DamagedRecordError, StoreError } from './errors.js';

/** A record as read: its value, and the version a conditional write must still find. */
export interface Versioned {
  value: unknown;
  /** Opaque; undefined when there is no record. */
  version: string | undefined;
}

export type Written = { ok: true; version: string | undefined } | { ok: false };

export type Scanned = { key: string; value: unknown } | { key: string; damaged: string };

export interface RecordStore {
  /** Throws DamagedRecordError when the record cannot be decoded. */
  read(key: string): Promise<Versioned>;
  /**
   * Writes `value` (undefined deletes) if the record is still at `version`: then `{ ok: true }` with
   * the record's new version; `{ ok: false }` when another write came first and nothing was written.
   */
  write(key: string, value: unknown, version: string | undefined): Promise<Written>;
  /** Every record whose key starts with `prefix`; a record that cannot be decoded is reported, not thrown. */
  scan(prefix: string): AsyncIterable<Scanned>;
}

/** Past this many lost races in a row something is wrong (a writer loop), not merely busy. */
const MAX_ATTEMPTS = 50;

export type Change<T, R> = (current: T) => { next: T; result: R } | { result: R };

/** A record's decoded value with the version it was read (or written) at. */
export interface Known<T> {
  value: T;
  version: string | undefined;
}

/**
 * Read-modify-write of one record, retried until no other writer came in between. `change` must be
 * pure: it may run more than once. Returning no `next` writes nothing. With `known` (the record as
 * the caller last saw it) the first attempt skips the read; if it is stale, the write simply loses
 * and the loop reads afresh. Resolves with the result and the record as it now is.
 */
export async function updateRecord<T, R>(
  store: RecordStore,
  key: string,
  decode: (value: unknown) => T,
  change: Change<T, R>,
  known?: Known<T>,
): Promise<{ result: R } & Known<T>> {
  for (let attempt = 1; ; attempt++) {
    let current: Known<T>;
    if (attempt === 1 && known) current = known;
    else {
      const read = await guarded('read', () => store.read(key));
      current = { value: decode(read.value), version: read.version };
    }
    const outcome = change(current.value);
    if (!('next' in outcome)) return { result: outcome.result, ...current };
    const written = await guarded('write', () => store.write(key, outcome.next, current.version));
    if (written.ok) return { result: outcome.result, value: outcome.next, version: written.version };
    if (attempt >= MAX_ATTEMPTS)
      throw new StoreError('write', new Error(`${key} kept changing under ${MAX_ATTEMPTS} attempts`));
    // A known version that was stale is not a race: read afresh at once.
    if (attempt === 1 && known) continue;
    // Someone else wrote first: back off a little (more each time) so the writers interleave.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 2)));
  }
}

/** Store failures surface as StoreError; a damaged record stays itself so it can be named. */
export async function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StoreError || error instanceof DamagedRecordError) throw error;
    throw new StoreError(operation, error);
  }
}
