/**
 * Re-sealing every stored key under a new sealing key. Each record is rewritten in one atomic
 * write, so an interrupted run leaves every key under the old or the new key, and a rerun skips
 * what is done. A key the old sealer cannot open is left exactly as it is, never dropped.
 */
import type Keyv from 'keyv';
import { sealedKeys, settingsKey } from './guilds.js';
import { type Sealer, sealedKeyId } from './seal.js';

export interface RotationReport {
  resealed: number;
  alreadyNew: number;
  /** Guild ids whose key neither sealer opens. */
  unreadable: string[];
}

export async function resealKeys(keyv: Keyv, from: Sealer, to: Sealer): Promise<RotationReport> {
  const report: RotationReport = { resealed: 0, alreadyNew: 0, unreadable: [] };
  for await (const { guildId, settings } of sealedKeys(keyv)) {
    const { apiKey } = settings;
    if (sealedKeyId(apiKey.sealed) === to.kid && to.open(apiKey.sealed, guildId).ok) {
      report.alreadyNew += 1;
      continue;
    }
    const opened = from.open(apiKey.sealed, guildId);
    if (!opened.ok) {
      report.unreadable.push(guildId);
      continue;
    }
    const ok = await keyv.set(settingsKey(guildId), { ...settings, apiKey: { ...apiKey, sealed: to.seal(opened.plaintext, guildId) } });
    if (!ok) throw new Error(`could not write the re-sealed key of server ${guildId}`);
    report.resealed += 1;
  }
  return report;
}
