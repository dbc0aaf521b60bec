/**
 * Per-guild settings: the sealed API key, the granted roles, the last clear, and a bounded audit
 * trail, in one record. Every change is a compare-and-set on the store's server, so changes made
 * at once, in one process or several, all land; a change and its audit line are one write.
 * Store failures surface as StoreError, a record that cannot be read as DamagedRecordError.
 */
import { DamagedRecordError } from './errors.js';
import { type RecordStore, guarded, updateRecord } from './records.js';
import { isObject } from './json.js';
import { type OpenFailure, type Sealer, sealedKeyId } from './seal.js';

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

/** The guild's clear in progress, or its last one: how processes share one clear and its cooldown. */
export interface ClearState {
  token: string;
  startedAt: number;
  /** A running clear holds the guild until then, even if its process died. */
  holdUntil: number;
  /** No new request before then (0: none); it counts once the clear has finished. */
  cooldownUntil: number;
  /** Set once the clear finished: what every waiter shows. */
  done?: { result: unknown; recorded: boolean };
  /** A new key was stored while this clear ran: it arms no cooldown when it finishes. */
  keyChanged?: true;
}

export interface GuildSettings {
  apiKey?: StoredKey;
  roles: string[];
  lastClear?: LastClear;
  /** Oldest first, the last AUDIT_LIMIT events. */
  audit: AuditEvent[];
  clear?: ClearState;
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
  | { kind: 'unreadable'; reason: OpenFailure };

export const AUDIT_LIMIT = 100;
const OPENED_KEYS_KEPT = 1000;

/** The last `limit` events of a guild, newest first. */
export function recentEvents(settings: GuildSettings, limit = 10): AuditEvent[] {
  return settings.audit.slice(-limit).reverse();
}

export const settingsKey = (guildId: string) => `guild:${guildId}`;
const GUILD_PREFIX = 'guild:';

/** The record as the bot writes it, or DamagedRecordError: a damaged record is named, never guessed at. */
export function decodeSettings(key: string, value: unknown): GuildSettings {
  if (value === undefined) return { roles: [], audit: [] };
  if (!isObject(value)) throw new DamagedRecordError(key, 'not an object');
  const { apiKey, roles = [], lastClear, audit = [] } = value;
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string'))
    throw new DamagedRecordError(key, 'roles is not a list of ids');
  if (!Array.isArray(audit)) throw new DamagedRecordError(key, 'audit is not a list');
  // A sealed value that is not one stays readable: the key then does not open, and an admin can set it again.
  if (apiKey !== undefined && !(isObject(apiKey) && typeof apiKey.sealed === 'string'))
    throw new DamagedRecordError(key, 'apiKey is malformed');
  if (lastClear !== undefined && !isObject(lastClear)) throw new DamagedRecordError(key, 'lastClear is not an object');
  // A coordination state of another shape is not damage: it is dropped, and the next clear writes its own.
  const { clear, ...rest } = value;
  const state =
    isObject(clear) &&
    typeof clear.token === 'string' &&
    typeof clear.holdUntil === 'number' &&
    typeof clear.cooldownUntil === 'number'
      ? clear
      : undefined;
  return { ...rest, roles, audit, ...(state ? { clear: state as unknown as ClearState } : {}) } as GuildSettings;
}

/** A change to one guild's record: the new settings, a result, and the audit event to append, if any. */
export type GuildChange<R> = (
  settings: GuildSettings,
) => [GuildSettings, R, (Omit<AuditEvent, 'at'> & { at?: number })?];

/** The guild records in the store: each guild's sealed key, granted roles, clear state and audit trail. */
export class GuildRecords {
  /** The version each settings object was read or written at: a change based on it skips a read. */
  private readonly versions = new WeakMap<GuildSettings, string | undefined>();
  /** Keys opened lately, by guild and sealed value: a clear does not decrypt the same value again (the logger holds them too). */
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly records: RecordStore,
    private readonly sealer: Sealer,
    /** Told every key that is sealed or opened, so the logger can scrub it from any line. */
    private readonly observeSecret: (secret: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async settings(guildId: string): Promise<GuildSettings> {
    const key = settingsKey(guildId);
    const { value, version } = await guarded('read', () => this.records.read(key));
    return this.remember(decodeSettings(key, value), version);
  }

  openKey(guildId: string, settings: GuildSettings): OpenedKey {
    if (!settings.apiKey) return { kind: 'none' };
    const { sealed, setBy, setAt } = settings.apiKey;
    // By guild too: a sealed value copied into another guild's record must fail to open there, as it does.
    const cacheKey = `${guildId}:${sealed}`;
    let plaintext = this.opened.get(cacheKey);
    if (plaintext === undefined) {
      const opened = this.sealer.open(sealed, guildId);
      if (!opened.ok) return { kind: 'unreadable', reason: opened.reason };
      plaintext = opened.plaintext;
      if (this.opened.size >= OPENED_KEYS_KEPT) this.opened.delete(this.opened.keys().next().value!);
      this.opened.set(cacheKey, plaintext);
    }
    this.observeSecret(plaintext);
    return { kind: 'ok', key: plaintext, setBy, setAt };
  }

  /*
   * Each change may pass `basedOn`, the settings it was decided on (the pipeline reads them once per
   * interaction): the write is then tried on that version without reading the record again.
   */

  async setKey(guildId: string, key: string, userId: string, basedOn?: GuildSettings): Promise<void> {
    this.observeSecret(key);
    const apiKey = { sealed: this.sealer.seal(key, guildId), setBy: userId, setAt: this.now() };
    await this.modify(guildId, basedOn, (s) => [
      { ...s, apiKey, ...(s.clear ? { clear: releaseCooldown(s.clear) } : {}) },
      undefined,
      { userId, action: 'key-set' },
    ]);
  }

  async removeKey(guildId: string, userId: string, basedOn?: GuildSettings): Promise<boolean> {
    const { result } = await this.modify(guildId, basedOn, (s) => {
      if (!s.apiKey) return [s, false];
      const { apiKey: _removed, ...rest } = s;
      return [rest, true, { userId, action: 'key-remove' }];
    });
    return result;
  }

  async grantRole(
    guildId: string,
    roleId: string,
    userId: string,
    basedOn?: GuildSettings,
  ): Promise<'granted' | 'already'> {
    const { result } = await this.modify<'granted' | 'already'>(guildId, basedOn, (s) =>
      s.roles.includes(roleId)
        ? [s, 'already']
        : [{ ...s, roles: [...s.roles, roleId] }, 'granted', { userId, action: 'role-grant', detail: roleId }],
    );
    return result;
  }

  async revokeRole(
    guildId: string,
    roleId: string,
    userId: string,
    basedOn?: GuildSettings,
  ): Promise<'revoked' | 'not-granted'> {
    const { result } = await this.modify<'revoked' | 'not-granted'>(guildId, basedOn, (s) =>
      s.roles.includes(roleId)
        ? [
            { ...s, roles: s.roles.filter((id) => id !== roleId) },
            'revoked',
            { userId, action: 'role-revoke', detail: roleId },
          ]
        : [s, 'not-granted'],
    );
    return result;
  }

  /**
   * Read-modify-write of one guild's record: `change` returns the new settings, a result, and the
   * audit event to append; the change and its audit line land in one conditional write, or neither.
   * Resolves with the result and the settings as they now are (a later change can be based on them).
   */
  async modify<R>(
    guildId: string,
    basedOn: GuildSettings | undefined,
    change: GuildChange<R>,
  ): Promise<{ result: R; settings: GuildSettings }> {
    const key = settingsKey(guildId);
    const known =
      basedOn && this.versions.has(basedOn) ? { value: basedOn, version: this.versions.get(basedOn) } : undefined;
    const done = await updateRecord(
      this.records,
      key,
      (value) => decodeSettings(key, value),
      (before) => {
        const [changed, result, event] = change(before);
        if (changed === before && !event) return { result };
        const next = event
          ? { ...changed, audit: [...before.audit, { ...event, at: event.at ?? this.now() }].slice(-AUDIT_LIMIT) }
          : changed;
        return { next, result };
      },
      known,
    );
    return { result: done.result, settings: this.remember(done.value, done.version) };
  }

  private remember(settings: GuildSettings, version: string | undefined): GuildSettings {
    this.versions.set(settings, version);
    return settings;
  }
}

/** A new key is a different request: the API's duplicate filter no longer applies, so neither does the cooldown. */
function releaseCooldown(state: ClearState): ClearState {
  return state.done ? { ...state, cooldownUntil: 0 } : { ...state, keyChanged: true };
}

export type GuildRecord = { guildId: string; settings: GuildSettings } | { guildId: string; damaged: string };

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
