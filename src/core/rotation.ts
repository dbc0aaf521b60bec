/**
 * Re-sealing every stored key under a new sealing key, in two passes. checkKeys opens every record
 * and writes nothing; resealKeys then rewrites each record in one atomic write, so an interrupted
 * run leaves every key under the old or the new key and a rerun skips what is done. A record that
 * neither key opens is reported and left exactly as it is: never dropped, never a reason to stop.
 */
import { type GuildSettings, decodeSettings, guildRecords, settingsKey } from './guilds.js';
import { type RecordStore, updateRecord } from './records.js';
import { type OpenFailure, type Sealer, sealedKeyId } from './seal.js';

export interface DamagedKey {
  guildId: string;
  /** other-key: sealed under a key that is neither; tampered: its key's id, but it does not open; malformed: not a sealed value. */
  reason: OpenFailure;
  /** The key id it names, if any (public: a hash prefix). */
  kid?: string;
}

export interface RotationCheck {
  total: number;
  /** Open under the current key: the ones to re-seal. */
  toReseal: number;
  alreadyNew: number;
  damaged: DamagedKey[];
}

export interface RotationReport {
  resealed: number;
  alreadyNew: number;
  damaged: DamagedKey[];
}

type Standing = { kind: 'new' } | { kind: 'old'; plaintext: string } | { kind: 'damaged'; damage: DamagedKey };

function standing(guildId: string, sealed: unknown, from: Sealer, to: Sealer): Standing {
  const kid = typeof sealed === 'string' ? sealedKeyId(sealed) : undefined;
  if (typeof sealed !== 'string' || kid === undefined)
    return { kind: 'damaged', damage: { guildId, reason: 'malformed' } };
  const sealer = kid === to.kid ? to : kid === from.kid ? from : undefined;
  if (!sealer) return { kind: 'damaged', damage: { guildId, reason: 'other-key', kid } };
  const opened = sealer.open(sealed, guildId);
  if (!opened.ok) return { kind: 'damaged', damage: { guildId, reason: 'tampered', kid } };
  return sealer === to ? { kind: 'new' } : { kind: 'old', plaintext: opened.plaintext };
}

function assertDistinct(from: Sealer, to: Sealer): void {
  if (from.kid === to.kid) throw new Error('the new key is the current key');
}

/** Opens every stored key under the current or the new key; writes nothing. */
export async function checkKeys(records: RecordStore, from: Sealer, to: Sealer): Promise<RotationCheck> {
  assertDistinct(from, to);
  const check: RotationCheck = { total: 0, toReseal: 0, alreadyNew: 0, damaged: [] };
  for await (const record of guildRecords(records)) {
    if ('damaged' in record) {
      check.total += 1;
      check.damaged.push({ guildId: record.guildId, reason: 'malformed' });
      continue;
    }
    const { guildId, settings } = record;
    if (!settings.apiKey) continue;
    check.total += 1;
    const found = standing(guildId, settings.apiKey.sealed, from, to);
    if (found.kind === 'new') check.alreadyNew += 1;
    else if (found.kind === 'old') check.toReseal += 1;
    else check.damaged.push(found.damage);
  }
  return check;
}

/** Rewrites every key the current key opens under the new key; skips (and reports) the rest. */
export async function resealKeys(records: RecordStore, from: Sealer, to: Sealer): Promise<RotationReport> {
  assertDistinct(from, to);
  const report: RotationReport = { resealed: 0, alreadyNew: 0, damaged: [] };
  for await (const record of guildRecords(records)) {
    if ('damaged' in record) {
      report.damaged.push({ guildId: record.guildId, reason: 'malformed' });
      continue;
    }
    const { guildId } = record;
    const key = settingsKey(guildId);
    // A conditional write of the record as it is now, so nothing written meanwhile is lost.
    const { result: found } = await updateRecord<GuildSettings, Standing | undefined>(
      records,
      key,
      (value) => decodeSettings(key, value),
      (settings) => {
        if (!settings.apiKey) return { result: undefined };
        const found = standing(guildId, settings.apiKey.sealed, from, to);
        if (found.kind !== 'old') return { result: found };
        return {
          next: { ...settings, apiKey: { ...settings.apiKey, sealed: to.seal(found.plaintext, guildId) } },
          result: found,
        };
      },
    );
    if (found?.kind === 'new') report.alreadyNew += 1;
    if (found?.kind === 'damaged') report.damaged.push(found.damage);
    if (found?.kind === 'old') report.resealed += 1;
  }
  return report;
}

/**
 * The most damaged keys that name one key id other than `newKid`: more of those than good ones
 * means the current key looks wrong, not the records. (The start-up check counts the same way.)
 */
export function largestOtherKeyGroup(damaged: DamagedKey[], newKid: string): number {
  const counts = new Map<string, number>();
  for (const { kid } of damaged) if (kid !== undefined && kid !== newKid) counts.set(kid, (counts.get(kid) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}
