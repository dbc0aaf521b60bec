/**
 * Clearing a guild's cache sensibly, across every process that shares the store: one request per
 * guild at a time (a second caller, here or in another process, shares the first one's outcome),
 * a per-guild cooldown armed by a finished clear, and every clear recorded. The coordination lives
 * in the guild's own record (`clear`), changed only by compare-and-set together with the rest of
 * the record: taking the guild is one write, and the outcome, the last clear, the audit line and
 * the cooldown are one more. A holder that dies mid-clear holds nothing past its deadline.
 * Knows nothing of Discord.
 */
import { randomUUID } from 'node:crypto';
import { StoreError } from './errors.js';
import type { ClearState, GuildSettings, GuildRecords } from './guilds.js';
import type { OpenFailure } from './seal.js';
import type { ClearResult, SdApi } from './sdapi.js';

export type ClearAttempt =
  | { kind: 'no-key' }
  | { kind: 'unreadable-key'; reason: OpenFailure }
  | { kind: 'cooldown'; until: number }
  /** Another process's clear is running and its outcome could not be had in time. */
  | { kind: 'busy' }
  | { kind: 'done'; result: ClearResult; shared: boolean; recorded: boolean };

export interface ClearServiceOptions {
  api: SdApi;
  guilds: GuildRecords;
  cooldownS: number;
  /** How long the API may take (retries included). */
  apiTimeoutMs: number;
  /** How long one store call may take (the store's deadline): the hold covers the take and the record write too. */
  storeDeadlineMs: number;
  now?: () => number;
  /** How often a waiter in another process looks for the outcome. */
  pollMs?: number;
  onRecordError?: (error: unknown, guildId: string) => void;
}

/** Beyond SD_API_TIMEOUT_MS: the API client's own work around its deadline. */
const API_SLACK_MS = 1000;
/** Beyond everything counted: timers and a busy event loop. */
const HOLD_MARGIN_MS = 2000;
/** Tries at recording a clear's outcome, within the hold. */
const RECORD_ATTEMPTS = 6;

type Taken =
  | { kind: 'taken'; settings: GuildSettings }
  | { kind: 'running'; settings: GuildSettings }
  | { kind: 'cooldown'; until: number };

export class ClearService {
  /** Clears this process runs or waits on, so callers here share one promise instead of polling. */
  private readonly local = new Map<string, Promise<ClearAttempt>>();
  private readonly now: () => number;
  private readonly pollMs: number;
  /** How long a taken guild is held: the take's own write, then `needMs`, and a margin. */
  private readonly holdMs: number;
  /** What must be left of the hold for the API call and the write that records it. */
  private readonly needMs: number;
  /** Cooldowns armed by clears whose outcome could not be recorded, with the key they ran with: this process at least keeps them. */
  private readonly unrecorded = new Map<string, { until: number; sealed: string | undefined }>();

  constructor(private readonly options: ClearServiceOptions) {
    this.now = options.now ?? Date.now;
    this.pollMs = options.pollMs ?? 50;
    this.needMs = options.apiTimeoutMs + API_SLACK_MS + options.storeDeadlineMs;
    this.holdMs = options.storeDeadlineMs + this.needMs + HOLD_MARGIN_MS;
  }

  /** When the next clear may start by these settings (ms since epoch), or undefined: one may start, or one is running to join. */
  cooldownUntil(settings: GuildSettings): number | undefined {
    return settings.clear && this.coolingUntil(settings.clear);
  }

  /** Settles when every clear this process is running has finished (for a graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.local.values()]);
  }

  /** Clears the guild's cache with its stored key; `settings` are the guild's as just read. */
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

  private async attempt(guildId: string, userId: string, first: GuildSettings): Promise<ClearAttempt> {
    const opened = this.options.guilds.openKey(guildId, first);
    if (opened.kind === 'none') return { kind: 'no-key' };
    if (opened.kind === 'unreadable') return { kind: 'unreadable-key', reason: opened.reason };

    const giveUpAt = this.now() + 2 * this.holdMs;
    // A new key ends the cooldown, as it does for a recorded one.
    const remembered = this.unrecorded.get(guildId);
    if (remembered && remembered.until > this.now() && remembered.sealed === first.apiKey?.sealed)
      return { kind: 'cooldown', until: remembered.until };
    this.unrecorded.delete(guildId);
    let settings = first;
    let waitingFor: string | undefined;
    for (;;) {
      const state = settings.clear;
      if (waitingFor && state?.token === waitingFor && state.done)
        return { kind: 'done', ...(state.done as { result: ClearResult; recorded: boolean }), shared: true };
      const now = this.now();
      const mine: ClearState = {
        token: randomUUID(),
        startedAt: now,
        holdUntil: now + this.holdMs,
        cooldownUntil: this.options.cooldownS > 0 ? now + this.options.cooldownS * 1000 : 0,
      };
      const taken = await this.take(guildId, settings, mine);
      if (taken.kind === 'cooldown') return taken;
      if (taken.kind === 'taken') {
        // A slow store may have answered the take so late that the hold would lapse during the call,
        // and another process then call the API too: no call without the time it needs.
        const left = mine.holdUntil - this.now();
        if (left < this.needMs) {
          await this.release(guildId, taken.settings, mine);
          throw new StoreError(
            'take',
            new Error(
              `the store took ${((this.holdMs - left) / 1000).toFixed(1)} s to hold the server, too long to clear it alone; nothing was sent`,
            ),
          );
        }
        return this.run(guildId, userId, opened.key, mine, taken.settings);
      }
      // Another process is clearing this guild: wait for its outcome rather than send a second request.
      if (now >= giveUpAt) return { kind: 'busy' };
      waitingFor = taken.settings.clear?.token;
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      settings = await this.options.guilds.settings(guildId);
    }
  }

  /** Takes the guild for `mine` in one conditional write, unless a live clear holds it or a cooldown runs. */
  private async take(guildId: string, basedOn: GuildSettings, mine: ClearState): Promise<Taken> {
    let taking: Awaited<ReturnType<GuildRecords['modify']>>;
    try {
      taking = await this.options.guilds.modify<'taken' | 'running' | number>(guildId, basedOn, (s) => {
        if (s.clear && this.running(s.clear)) return [s, 'running'];
        const until = s.clear && this.coolingUntil(s.clear);
        return until ? [s, until] : [{ ...s, clear: mine }, 'taken'];
      });
    } catch (error) {
      // A take whose answer never came may hold the guild until its deadline, but no API call was made
      // and no setting changed: for the caller, nothing happened.
      if (error instanceof StoreError && error.written === 'unknown') throw new StoreError('take', error);
      throw error;
    }
    const { result, settings } = taking;
    if (typeof result === 'number') return { kind: 'cooldown', until: result };
    return result === 'taken' ? { kind: 'taken', settings } : { kind: 'running', settings };
  }

  /** Gives back a hold that will not be used (no call was made: no cooldown); best effort, it lapses anyway. */
  private async release(guildId: string, held: GuildSettings, mine: ClearState): Promise<void> {
    await this.options.guilds
      .modify(guildId, held, (s) =>
        s.clear?.token === mine.token && !s.clear.done
          ? [{ ...s, clear: { ...s.clear, holdUntil: 0 } }, undefined]
          : [s, undefined],
      )
      .catch(() => undefined);
  }

  private async run(
    guildId: string,
    userId: string,
    apiKey: string,
    mine: ClearState,
    held: GuildSettings,
  ): Promise<ClearAttempt> {
    const result = await this.options.api.clearCache(apiKey);
    const { outcome } = result;
    // The API told us when it takes the next one; no sooner is worth trying.
    const retryAt =
      outcome.kind === 'rate-limited' && outcome.retryAfterS !== undefined
        ? this.now() + outcome.retryAfterS * 1000
        : 0;
    const at = this.now();
    const cooldownUntil = this.options.cooldownS > 0 ? Math.max(mine.cooldownUntil, retryAt) : 0;
    // The outcome, the last clear, its audit line and the cooldown: one write, tried again within the
    // hold while the store fails; a try whose answer was lost but landed is found done and not repeated.
    let lastError: unknown;
    for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
      try {
        await this.options.guilds.modify(guildId, held, (s) => {
          const ours = s.clear?.token === mine.token ? s.clear : undefined;
          if (ours?.done) return [s, undefined];
          const clear = ours
            ? { ...ours, cooldownUntil: ours.keyChanged ? 0 : cooldownUntil, done: { result, recorded: true } }
            : s.clear;
          return [
            {
              ...s,
              lastClear: { at, by: userId, outcome: outcome.kind, latencyMs: result.latencyMs },
              ...(clear ? { clear } : {}),
            },
            undefined,
            { at, userId, action: 'clear', detail: outcome.kind, latencyMs: result.latencyMs },
          ];
        });
        return { kind: 'done', result, shared: false, recorded: true };
      } catch (error) {
        lastError = error;
        if (!(error instanceof StoreError)) break;
        const pause = Math.min(this.options.storeDeadlineMs / 10, 25 * 2 ** attempt);
        if (this.now() + pause >= mine.holdUntil) break;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
    // Not recorded: waiters elsewhere see the hold lapse. This process at least keeps the cooldown the
    // API's answer implies, so that the next clear here does not call the API again inside it.
    if (cooldownUntil > this.now()) this.unrecorded.set(guildId, { until: cooldownUntil, sealed: held.apiKey?.sealed });
    this.options.onRecordError?.(lastError, guildId);
    return { kind: 'done', result, shared: false, recorded: false };
  }
}
