/**
 * Re-sealing every stored key under a new sealing key. Each record is rewritten in one atomic
 * write, so an interrupted run leaves every key under the old or the new key, and a rerun skips
 * what is done. A key the old sealer cannot open is left exactly as it is, never dropped.
 */
import { guildRecords, settingsKey } from './guilds.js';
import type { RecordStore } from './records.js';
import { type Sealer, sealedKeyId } from './seal.js';

export interface RotationReport {
  resealed: number;
  alreadyNew: number;
  /** Guild ids whose key neither sealer opens. */
  unreadable: string[];
}

export async function resealKeys(records: RecordStore, from: Sealer, to: Sealer): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, alreadyNew: 0, unreadable: [] };
  for await (const record of guildRecords(records)) {
    if ('damaged' in record) {
      report.unreadable.push(record.guildId);
      continue;
    }
    const { guildId, settings } = record;
    const { apiKey } = settings;
    if (!apiKey) continue;
    if (sealedKeyId(apiKey.sealed) === to.kid && to.open(apiKey.sealed, guildId).ok) {
      report.alreadyNew += 1;
      continue;
    }
    const opened = from.open(apiKey.sealed, guildId);
    if (!opened.ok) {
      report.unreadable.push(guildId);
      continue;
    }
    const { version } = await records.read(settingsKey(guildId));
    const ok = await records.write(settingsKey(guildId), { ...settings, apiKey: { ...apiKey, sealed: to.seal(opened.plaintext, guildId) } }, version);
    if (!ok) throw new Error(`the record of server ${guildId} changed during the rotation: stop the bot, then run it again`);
    report.resealed += 1;
  }
  return report;
}
