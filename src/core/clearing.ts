/**
 * Clearing a guild's cache sensibly: one request per guild at a time (a second caller shares the
 * first one's outcome), a per-guild cooldown armed when a request is sent, and every clear
 * recorded. Knows nothing of Discord.
 */
import type { GuildSettings, GuildStore } from './guilds.js';
import type { ClearResult, SdApi } from './sdapi.js';

export type ClearAttempt =
  | { kind: 'no-key' }
  | { kind: 'unreadable-key'; reason: 'other-key' | 'tampered' | 'malformed' }
  | { kind: 'done'; result: ClearResult; shared: boolean; recorded: boolean };

export interface ClearServiceOptions {
  api: SdApi;
  guilds: GuildStore;
  cooldownS: number;
  now?: () => number;
  onRecordError?: (error: unknown, guildId: string) => void;
}

export class ClearService {
  private readonly inFlight = new Map<string, Promise<ClearAttempt>>();
  private readonly cooldowns = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: ClearServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** When the next clear may start (ms since epoch), or undefined when one may start now or one is in flight to join. */
  cooldownUntil(guildId: string): number | undefined {
    if (this.inFlight.has(guildId)) return undefined;
    const until = this.cooldowns.get(guildId);
    if (until === undefined) return undefined;
    if (until <= this.now()) {
      this.cooldowns.delete(guildId);
      return undefined;
    }
    return until;
  }

  /** A new key is a different request: the API's duplicate filter does not apply, so neither does ours. */
  resetCooldown(guildId: string): void {
    this.cooldowns.delete(guildId);
  }

  /** Settles when every clear in flight has finished (for a graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  clear(guildId: string, userId: string, settings: GuildSettings): Promise<ClearAttempt> {
    const running = this.inFlight.get(guildId);
    if (running) return running.then((attempt) => (attempt.kind === 'done' ? { ...attempt, shared: true } : attempt));
    const attempt = this.run(guildId, userId, settings).finally(() => this.inFlight.delete(guildId));
    this.inFlight.set(guildId, attempt);
    return attempt;
  }

  private async run(guildId: string, userId: string, settings: GuildSettings): Promise<ClearAttempt> {
    const opened = this.options.guilds.openKey(guildId, settings);
    if (opened.kind === 'none') return { kind: 'no-key' };
    if (opened.kind === 'unreadable') return { kind: 'unreadable-key', reason: opened.reason };

    const { cooldownS } = this.options;
    if (cooldownS > 0) this.cooldowns.set(guildId, this.now() + cooldownS * 1000);
    const result = await this.options.api.clearCache(opened.key);
    const { outcome } = result;
    if (cooldownS > 0 && outcome.kind === 'rate-limited' && outcome.retryAfterS !== undefined) {
      // The API told us when it will take the next one; no sooner is worth trying.
      this.cooldowns.set(guildId, Math.max(this.cooldowns.get(guildId) ?? 0, this.now() + outcome.retryAfterS * 1000));
    }
    let recorded = true;
    try {
      await this.options.guilds.recordClear(guildId, userId, outcome.kind, result.latencyMs);
    } catch (error) {
      recorded = false;
      this.options.onRecordError?.(error, guildId);
    }
    return { kind: 'done', result, shared: false, recorded };
  }
}
