/**
 * Clearing a guild's cache sensibly, across every process that shares the store: one request per
 * guild at a time (a second caller, here or in another process, shares the first one's outcome),
 * a per-guild cooldown armed when a request is sent, and every clear recorded. The coordination is
 * one small record per guild (`clear:<id>`), changed only by compare-and-set; a holder that dies
 * mid-clear holds nothing past its deadline. Knows nothing of Discord.
 */
import { randomUUID } from 'node:crypto';
import type { GuildSettings, GuildStore } from './guilds.js';
import { type RecordStore, guarded, updateRecord } from './records.js';
import type { ClearResult, SdApi } from './sdapi.js';

export type ClearAttempt =
  | { kind: 'no-key' }
  | { kind: 'unreadable-key'; reason: 'other-key' | 'tampered' | 'malformed' }
  | { kind: 'cooldown'; until: number }
  /** Another process's clear is running and its outcome could not be had in time. */
  | { kind: 'busy' }
  | { kind: 'done'; result: ClearResult; shared: boolean; recorded: boolean };

/** The coordination record of one guild. */
interface ClearState {
  token: string;
  startedAt: number;
  /** A running clear holds the guild until then, even if its process died. */
  holdUntil: number;
  /** No new request before then (0: none). */
  cooldownUntil: number;
  /** Set once the clear finished: what every waiter shows. */
  done?: { result: ClearResult; recorded: boolean };
  /** A new key was stored while this clear ran: it arms no cooldown when it finishes. */
  keyChanged?: true;
}

export interface ClearServiceOptions {
  api: SdApi;
  guilds: GuildStore;
  records: RecordStore;
  cooldownS: number;
  /** How long the API may take (retries included): a holder's deadline is this plus a margin. */
  apiTimeoutMs: number;
  now?: () => number;
  /** How often a waiter in another process looks for the outcome. */
  pollMs?: number;
  onRecordError?: (error: unknown, guildId: string) => void;
}

/** Beyond the API's own deadline: the audit write and the final record write. */
const HOLD_MARGIN_MS = 5000;

export const clearStateKey = (guildId: string) => `clear:${guildId}`;

function decodeState(value: unknown): ClearState | undefined {
  const v = value as Partial<ClearState> | undefined;
  return v && typeof v.token === 'string' && typeof v.holdUntil === 'number' && typeof v.cooldownUntil === 'number' ? (v as ClearState) : undefined;
}

export class ClearService {
  /** Clears this process runs or waits on, so callers here share one promise instead of polling. */
  private readonly local = new Map<string, Promise<ClearAttempt>>();
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly holdMs: number;

  constructor(private readonly options: ClearServiceOptions) {
    this.now = options.now ?? Date.now;
    this.pollMs = options.pollMs ?? 50;
    this.holdMs = options.apiTimeoutMs + HOLD_MARGIN_MS;
  }

  /** When the next clear may start (ms since epoch), or undefined when one may start now or one is running to join. */
  async cooldownUntil(guildId: string): Promise<number | undefined> {
    if (this.local.has(guildId)) return undefined;
    const state = await this.state(guildId);
    return state && this.coolingUntil(state);
  }

  /** A new key is a different request: the API's duplicate filter does not apply, so neither does ours. */
  async resetCooldown(guildId: string): Promise<void> {
    const key = clearStateKey(guildId);
    await updateRecord(this.options.records, key, decodeState, (state) => {
      if (!state) return { result: undefined };
      if (this.running(state)) return state.keyChanged ? { result: undefined } : { next: { ...state, keyChanged: true }, result: undefined };
      return state.cooldownUntil > 0 ? { next: { ...state, cooldownUntil: 0 }, result: undefined } : { result: undefined };
    });
  }

  /** Settles when every clear this process is running has finished (for a graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.local.values()]);
  }

  clear(guildId: string, userId: string, settings: GuildSettings): Promise<ClearAttempt> {
    const running = this.local.get(guildId);
    if (running) return running.then((attempt) => (attempt.kind === 'done' ? { ...attempt, shared: true } : attempt));
    const attempt = this.attempt(guildId, userId, settings).finally(() => this.local.delete(guildId));
    this.local.set(guildId, attempt);
    return attempt;
  }

  private running(state: ClearState): boolean {
    return !state.done && state.holdUntil > this.now();
  }

  /** A finished clear's cooldown; one whose holder died before finishing arms none, so the guild is free once it expires. */
  private coolingUntil(state: ClearState): number | undefined {
    return state.done && state.cooldownUntil > this.now() ? state.cooldownUntil : undefined;
  }

  private async state(guildId: string): Promise<ClearState | undefined> {
    const { value } = await guarded('read', () => this.options.records.read(clearStateKey(guildId)));
    return decodeState(value);
  }

  private async attempt(guildId: string, userId: string, settings: GuildSettings): Promise<ClearAttempt> {
    const opened = this.options.guilds.openKey(guildId, settings);
    if (opened.kind === 'none') return { kind: 'no-key' };
    if (opened.kind === 'unreadable') return { kind: 'unreadable-key', reason: opened.reason };

    const key = clearStateKey(guildId);
    const giveUpAt = this.now() + 2 * this.holdMs;
    let waitingFor: string | undefined;
    for (;;) {
      const { value, version } = await guarded('read', () => this.options.records.read(key));
      const state = decodeState(value);
      const now = this.now();
      if (waitingFor && state?.token === waitingFor && state.done) return { kind: 'done', ...state.done, shared: true };
      if (state && this.running(state)) {
        // Another process is clearing this guild: wait for its outcome rather than send a second request.
        if (now >= giveUpAt) return { kind: 'busy' };
        waitingFor = state.token;
        await new Promise((resolve) => setTimeout(resolve, this.pollMs));
        continue;
      }
      const until = state && this.coolingUntil(state);
      if (until) return { kind: 'cooldown', until };
      const { cooldownS } = this.options;
      const mine: ClearState = { token: randomUUID(), startedAt: now, holdUntil: now + this.holdMs, cooldownUntil: cooldownS > 0 ? now + cooldownS * 1000 : 0 };
      if (await guarded('write', () => this.options.records.write(key, mine, version))) return this.run(guildId, userId, opened.key, mine);
    }
  }

  private async run(guildId: string, userId: string, apiKey: string, mine: ClearState): Promise<ClearAttempt> {
    const result = await this.options.api.clearCache(apiKey);
    const { outcome } = result;
    let recorded = true;
    try {
      await this.options.guilds.recordClear(guildId, userId, outcome.kind, result.latencyMs);
    } catch (error) {
      recorded = false;
      this.options.onRecordError?.(error, guildId);
    }
    // The API told us when it takes the next one; no sooner is worth trying.
    const retryAt = outcome.kind === 'rate-limited' && outcome.retryAfterS !== undefined ? this.now() + outcome.retryAfterS * 1000 : 0;
    const cooldownUntil = this.options.cooldownS > 0 ? Math.max(mine.cooldownUntil, retryAt) : 0;
    try {
      await updateRecord(this.options.records, clearStateKey(guildId), decodeState, (state) =>
        state?.token === mine.token
          ? { next: { ...state, cooldownUntil: state.keyChanged ? 0 : cooldownUntil, done: { result, recorded } }, result: undefined }
          : { result: undefined },
      );
    } catch (error) {
      // Waiters elsewhere then see the hold expire and try themselves; this caller has its outcome.
      this.options.onRecordError?.(error, guildId);
    }
    return { kind: 'done', result, shared: false, recorded };
  }
}
