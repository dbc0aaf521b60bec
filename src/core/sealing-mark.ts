/**
 * Which key seals a store: one record holding the key's check value and id (public: never the
 * key). The first process to start on a store writes it, if absent, in one conditional write, so
 * of two processes started at once with different keys exactly one finds its own key there; every
 * other key is refused before it could seal anything. A key rotation moves it to the new key.
 */
import { DamagedRecordError } from './errors.js';
import { type RecordStore, guarded, updateRecord } from './records.js';
import type { Sealer } from './seal.js';

/** Outside the `guild:` records, so no walk over servers meets it; a store move copies it with them. */
export const SEALING_MARK_KEY = 'meta:sealing-key';

export interface SealingMark {
  /** The key check value (keyCheckValue). */
  check: string;
  /** The key id, for messages: the same one every sealed value names. */
  kid: string;
}

export type MarkStanding = { kind: 'absent' } | { kind: 'same' } | { kind: 'other'; kid: string };

const markOf = (sealer: Sealer): SealingMark => ({ check: sealer.check, kid: sealer.kid });

function decodeMark(value: unknown): SealingMark | undefined {
  if (value === undefined) return undefined;
  const { check, kid } = (value ?? {}) as Partial<SealingMark>;
  if (typeof check !== 'string' || typeof kid !== 'string')
    throw new DamagedRecordError(SEALING_MARK_KEY, 'not a key check value');
  return { check, kid };
}

const standingOf = (mark: SealingMark | undefined, sealer: Sealer): MarkStanding =>
  mark === undefined
    ? { kind: 'absent' }
    : mark.check === sealer.check
      ? { kind: 'same' }
      : { kind: 'other', kid: mark.kid };

/** What the store says of this key; writes nothing. */
export async function readSealingMark(records: RecordStore, sealer: Sealer): Promise<MarkStanding> {
  const { value } = await guarded('read', () => records.read(SEALING_MARK_KEY));
  return standingOf(decodeMark(value), sealer);
}

/**
 * Marks the store as sealed by this key unless it is marked already. Race-safe: of processes doing
 * this at once, one writes and the others read what it wrote. Says what the store held before
 * (`absent`: this call marked it).
 */
export async function claimSealingMark(records: RecordStore, sealer: Sealer): Promise<MarkStanding> {
  const { result } = await updateRecord(records, SEALING_MARK_KEY, decodeMark, (mark) =>
    mark === undefined
      ? { next: markOf(sealer), result: { kind: 'absent' } as MarkStanding }
      : { result: standingOf(mark, sealer) },
  );
  return result;
}

export type MarkMove = { kind: 'moved' } | { kind: 'already' } | { kind: 'other'; kid: string };

/**
 * A rotation's move of the mark to the new key: from the current key, or from nothing (a store
 * never marked). A store marked by a third key is left as it is (`other`).
 */
export async function moveSealingMark(records: RecordStore, from: Sealer, to: Sealer): Promise<MarkMove> {
  const { result } = await updateRecord(
    records,
    SEALING_MARK_KEY,
    decodeMark,
    (mark): { next?: SealingMark; result: MarkMove } => {
      const toStanding = standingOf(mark, to);
      if (toStanding.kind === 'same') return { result: { kind: 'already' } };
      if (toStanding.kind === 'other' && standingOf(mark, from).kind !== 'same') return { result: toStanding };
      return { next: markOf(to), result: { kind: 'moved' } };
    },
  );
  return result;
}
