/**
 * Per-guild settings over Keyv: the sealed API key, the granted roles, the last clear, and a
 * bounded audit trail. Writes for one guild go one at a time, so two admins acting at once
 * never lose each other's change. Store failures surface as StoreError, never as a crash.
 */
import type Keyv from 'keyv';
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

export class StoreError extends Error {
  override name = 'StoreError';
  constructor(operation: string, cause: unknown) {
    super(`store ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export const settingsKey = (guildId: string) => `guild:${guildId}`;

export class GuildStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly keyv: Keyv,
    private readonly sealer: Sealer,
    /** Told every key that is sealed or opened, so the logger can scrub it from any line. */
    private readonly observeSecret: (secret: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  async settings(guildId: string): Promise<GuildSettings> {
    const stored = await this.read<GuildSettings>(settingsKey(guildId));
    return { roles: [], audit: [], ...stored };
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
    return this.update(guildId, ({ apiKey, ...rest }) => (apiKey ? [rest, true, { userId, action: 'key-remove' }] : [rest, false]));
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
   * Read-modify-write of one guild's record. `change` returns the new settings, a result, and the
   * audit event to append: the change and its audit line land in one atomic write, or neither does.
   */
  private update<T>(guildId: string, change: (settings: GuildSettings) => [GuildSettings, T, (Omit<AuditEvent, 'at'> & { at?: number })?]): Promise<T> {
    return this.serial(settingsKey(guildId), async () => {
      const before = await this.settings(guildId);
      const [changed, result, event] = change(before);
      const after = event ? { ...changed, audit: [...before.audit, { ...event, at: event.at ?? this.now() }].slice(-AUDIT_LIMIT) } : changed;
      if (after !== before) await this.write(settingsKey(guildId), after);
      return result;
    });
  }

  /** Runs read-modify-write steps on one record one after another. */
  private serial<T>(id: string, step: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(step, step);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }

  private async read<T>(key: string): Promise<T | undefined> {
    try {
      return (await this.keyv.get<T>(key)) ?? undefined;
    } catch (error) {
      throw new StoreError('read', error);
    }
  }

  private async write(key: string, value: unknown): Promise<void> {
    let ok: boolean;
    try {
      ok = await this.keyv.set(key, value);
    } catch (error) {
      throw new StoreError('write', error);
    }
    if (!ok) throw new StoreError('write', new Error('the store refused the write'));
  }
}

/** Every guild record that holds a sealed key (rotate-key and the start-up check walk them). */
export async function* sealedKeys(keyv: Keyv): AsyncGenerator<{ guildId: string; settings: GuildSettings & { apiKey: StoredKey } }> {
  if (!keyv.iterator) throw new Error('this store cannot list its records');
  for await (const [key, value] of keyv.iterator(undefined) as AsyncGenerator<[string, unknown]>) {
    const guildId = /^(?:.*:)?guild:(\d+)$/.exec(key)?.[1];
    const settings = value as GuildSettings | undefined;
    if (guildId && settings?.apiKey) yield { guildId, settings: { ...settings, apiKey: settings.apiKey } };
  }
}

export interface KeyCensus {
  total: number;
  /** Servers whose stored key is not sealed under this sealer's key (another key, or not a sealed value). */
  foreign: string[];
  /** The most stored keys sealed under any one other key. */
  largestOtherKey: number;
}

/** How the stored keys divide among the keys that sealed them, by key id alone (nothing is opened). */
export async function countForeignKeys(keyv: Keyv, sealer: Sealer): Promise<KeyCensus> {
  let total = 0;
  const foreign: string[] = [];
  const others = new Map<string, number>();
  for await (const { guildId, settings } of sealedKeys(keyv)) {
    total += 1;
    const { sealed } = settings.apiKey;
    const kid = typeof sealed === 'string' ? sealedKeyId(sealed) : undefined;
    if (kid === sealer.kid) continue;
    foreign.push(guildId);
    if (kid !== undefined) others.set(kid, (others.get(kid) ?? 0) + 1);
  }
  return { total, foreign, largestOtherKey: Math.max(0, ...others.values()) };
}
