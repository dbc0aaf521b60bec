/**
 * Per-guild settings: the sealed API key, the granted roles, the last clear, and a bounded audit
 * trail, in one record. Every change is a compare-and-set on the store's server, so changes made
 * at once, in one process or several, all land; a change and its audit line are one write.
 * Store failures surface as StoreError, a record that cannot be read as DamagedRecordError.
 */
import { DamagedRecordError, type RecordStore, guarded, updateRecord } from './records.js';
import { type Sealer, sealedKeyId } from './seal.js';

export interface StoredKey {
  sealed: string;
  setBy: string;
  setAt: number;
}

export interface LastClear {
  at: number;
  by: string;
  outcome: string;
  latencyMs: number;
}

export interface GuildSettings {
  apiKey?: StoredKey;
  roles: string[];
  lastClear?: LastClear;
  /** Oldest first, the last AUDIT_LIMIT events. */
  audit: AuditEvent[];
}

export type AuditAction = 'key-set' | 'key-remove' | 'clear' | 'role-grant' | 'role-revoke';

export interface AuditEvent {
  at: number;
  userId: string;
  action: AuditAction;
  /** The outcome of a clear, or the role id of a grant/revoke. */
  detail?: string;
  latencyMs?: number;
}

export type OpenedKey =
  | { kind: 'none' }
  | { kind: 'ok'; key: string; setBy: string; setAt: number }
  | { kind: 'unreadable'; reason: 'other-key' | 'tampered' | 'malformed' };

export const AUDIT_LIMIT = 100;

/** The last `limit` events of a guild, newest first. */
export function recentEvents(settings: GuildSettings, limit = 10): AuditEvent[] {
  return settings.audit.slice(-limit).reverse();
}

export const settingsKey = (guildId: string) => `guild:${guildId}`;
const GUILD_PREFIX = 'guild:';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The record as the bot writes it, or DamagedRecordError: a damaged record is named, never guessed at. */
export function decodeSettings(key: string, value: unknown): GuildSettings {
  if (value === undefined) return { roles: [], audit: [] };
  if (!isObject(value)) throw new DamagedRecordError(key, 'not an object');
  const { apiKey, roles = [], lastClear, audit = [] } = value;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw new DamagedRecordError(key, 'roles is not a list of ids');
  if (!Array.isArray(audit)) throw new DamagedRecordError(key, 'audit is not a list');
  // A sealed value that is not one stays readable: the key then does not open, and an admin can set it again.
  if (apiKey !== undefined && !(isObject(apiKey) && typeof apiKey.sealed === 'string')) throw new DamagedRecordError(key, 'apiKey is malformed');
  if (lastClear !== undefined && !isObject(lastClear)) throw new DamagedRecordError(key, 'lastClear is not an object');
  return { ...value, roles, audit } as GuildSettings;
}

type Change<R> = (settings: GuildSettings) => [GuildSettings, R, (Omit<AuditEvent, 'at'> & { at?: number })?];

export class GuildStore {
  constructor(
    private readonly records: RecordStore,
    private readonly sealer: Sealer,
    /** Told every key that is sealed or opened, so the logger can scrub it from any line. */
    private readonly observeSecret: (secret: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async settings(guildId: string): Promise<GuildSettings> {
    const key = settingsKey(guildId);
    const { value } = await guarded('read', () => this.records.read(key));
    return decodeSettings(key, value);
  }

  openKey(guildId: string, settings: GuildSettings): OpenedKey {
    if (!settings.apiKey) return { kind: 'none' };
    const opened = this.sealer.open(settings.apiKey.sealed, guildId);
    if (!opened.ok) return { kind: 'unreadable', reason: opened.reason };
    this.observeSecret(opened.plaintext);
    return { kind: 'ok', key: opened.plaintext, setBy: settings.apiKey.setBy, setAt: settings.apiKey.setAt };
  }

  async setKey(guildId: string, key: string, userId: string): Promise<void> {
    this.observeSecret(key);
    const apiKey = { sealed: this.sealer.seal(key, guildId), setBy: userId, setAt: this.now() };
    await this.update(guildId, (s) => [{ ...s, apiKey }, undefined, { userId, action: 'key-set' }]);
  }

  async removeKey(guildId: string, userId: string): Promise<boolean> {
    return this.update(guildId, (s) => {
      if (!s.apiKey) return [s, false];
      const { apiKey: _removed, ...rest } = s;
      return [rest, true, { userId, action: 'key-remove' }];
    });
  }

  async grantRole(guildId: string, roleId: string, userId: string): Promise<'granted' | 'already'> {
    return this.update(guildId, (s) =>
      s.roles.includes(roleId) ? [s, 'already'] : [{ ...s, roles: [...s.roles, roleId] }, 'granted', { userId, action: 'role-grant', detail: roleId }],
    );
  }

  async revokeRole(guildId: string, roleId: string, userId: string): Promise<'revoked' | 'not-granted'> {
    return this.update(guildId, (s) =>
      s.roles.includes(roleId)
        ? [{ ...s, roles: s.roles.filter((id) => id !== roleId) }, 'revoked', { userId, action: 'role-revoke', detail: roleId }]
        : [s, 'not-granted'],
    );
  }

  async recordClear(guildId: string, userId: string, outcome: string, latencyMs: number): Promise<void> {
    const at = this.now();
    await this.update(guildId, (s) => [{ ...s, lastClear: { at, by: userId, outcome, latencyMs } }, undefined, { at, userId, action: 'clear', detail: outcome, latencyMs }]);
  }

  /**
   * Read-modify-write of one guild's record: `change` returns the new settings, a result, and the
   * audit event to append; the change and its audit line land in one conditional write, or neither.
   */
  private update<R>(guildId: string, change: Change<R>): Promise<R> {
    const key = settingsKey(guildId);
    return updateRecord(this.records, key, (value) => decodeSettings(key, value), (before) => {
      const [changed, result, event] = change(before);
      if (changed === before && !event) return { result };
      const next = event ? { ...changed, audit: [...before.audit, { ...event, at: event.at ?? this.now() }].slice(-AUDIT_LIMIT) } : changed;
      return { next, result };
    });
  }
}

export type GuildRecord =
  | { guildId: string; settings: GuildSettings }
  | { guildId: string; damaged: string };

/** Every guild record, a damaged one reported with its reason rather than stopping the walk. */
export async function* guildRecords(records: RecordStore): AsyncGenerator<GuildRecord> {
  for await (const scanned of records.scan(GUILD_PREFIX)) {
    const guildId = scanned.key.slice(GUILD_PREFIX.length);
    if (!/^\d+$/.test(guildId)) continue;
    if ('damaged' in scanned) {
      yield { guildId, damaged: scanned.damaged };
      continue;
    }
    try {
      yield { guildId, settings: decodeSettings(scanned.key, scanned.value) };
    } catch (error) {
      yield { guildId, damaged: (error as DamagedRecordError).reason };
    }
  }
}

export interface KeyCensus {
  /** Readable records that hold a key. */
  total: number;
  /** Servers whose stored key is not sealed under this sealer's key. */
  foreign: string[];
  /** The most stored keys sealed under any one other key. */
  largestOtherKey: number;
  /** Servers whose record cannot be read at all, with why. */
  damaged: Array<{ guildId: string; reason: string }>;
}

/** How the stored keys divide among the keys that sealed them, by key id alone (nothing is opened). */
export async function keyCensus(records: RecordStore, sealer: Sealer): Promise<KeyCensus> {
  const census: KeyCensus = { total: 0, foreign: [], largestOtherKey: 0, damaged: [] };
  const others = new Map<string, number>();
  for await (const record of guildRecords(records)) {
    if ('damaged' in record) {
      census.damaged.push({ guildId: record.guildId, reason: record.damaged });
      continue;
    }
    if (!record.settings.apiKey) continue;
    census.total += 1;
    const kid = sealedKeyId(record.settings.apiKey.sealed);
    if (kid === sealer.kid) continue;
    census.foreign.push(record.guildId);
    if (kid !== undefined) others.set(kid, (others.get(kid) ?? 0) + 1);
  }
  census.largestOtherKey = Math.max(0, ...others.values());
  return census;
}
