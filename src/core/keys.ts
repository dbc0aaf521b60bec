/**
 * A key's life with the API: checked with wallet_balance (a call that changes nothing) before it is
 * kept, and the account's balance looked up for /apikey status. A key the API refuses is not kept;
 * one it could not judge (down, slow, failing, rate limiting) is kept, and the caller says so. The
 * API's rate limit is respected as clears respect it: while a known retry-after runs, no call.
 * Knows no transport: a slash command option and a submitted form call the same checkAndSetKey.
 */
import { StoreError } from './errors.js';
import type { GuildRecords, GuildSettings } from './guilds.js';
import type { ClearResult, Money, SdApi, WalletOutcome } from './sdapi.js';

/** Why a key was not checked, or a balance not shown: the API's failure, or a wait it asked for. */
export type Unchecked =
  | Exclude<WalletOutcome, { kind: 'ok' | 'invalid-key' | 'rate-limited' }>
  /** until: when the API takes requests again (its retry-after, from now), if it said. */
  | (Extract<WalletOutcome, { kind: 'rate-limited' }> & { until?: number })
  | { kind: 'waiting'; until: number };

/** balance: what the API said is left, when it said (a success without it still means the key works). */
export type KeySet =
  | { kind: 'checked'; balance?: Money }
  | { kind: 'refused'; message: string }
  | { kind: 'unchecked'; why: Unchecked }
  /** The store failed the write (nothing was written): the key is not kept, whatever the API said of it. */
  | { kind: 'not-saved'; check: Extract<KeySet, { kind: 'checked' | 'unchecked' }>; error: StoreError };

export type Balance =
  | { kind: 'ok'; balance?: Money }
  | { kind: 'refused'; message: string }
  | { kind: 'unknown'; why: Unchecked };

export interface KeyServiceOptions {
  api: SdApi;
  guilds: GuildRecords;
  /** The budget of the balance shown by /apikey status: the status must not wait long for it. */
  statusTimeoutMs?: number;
  now?: () => number;
}

const STATUS_TIMEOUT_MS = 3000;
/** Guilds whose wallet check was rate limited, remembered at most: a bound on what a flood can make this hold. */
const WAITS_KEPT = 10_000;

export class KeyService {
  private readonly now: () => number;
  /** Retry-afters the API gave wallet checks, by guild (clears keep theirs in the guild's record). */
  private readonly waits = new Map<string, number>();

  constructor(private readonly options: KeyServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Checks the key with the API (one call at most), then keeps it unless the API refused it.
   * `settings` are the guild's as just read; the key's shape has been checked already.
   */
  async checkAndSetKey(guildId: string, userId: string, key: string, settings: GuildSettings): Promise<KeySet> {
    const looked = await this.lookUp(guildId, key, settings);
    if (looked.kind === 'refused') return looked;
    const check: Extract<KeySet, { kind: 'checked' | 'unchecked' }> =
      looked.kind === 'ok' ? { ...looked, kind: 'checked' } : { kind: 'unchecked', why: looked.why };
    try {
      // Storing a new key also ends the cooldown, in the same write.
      await this.options.guilds.setKey(guildId, key, userId, settings);
    } catch (error) {
      // A write that may have landed is not "not saved": that one is the caller's to report as unknown.
      if (error instanceof StoreError && error.written === 'none') return { kind: 'not-saved', check, error };
      throw error;
    }
    return check;
  }

  /** The account's balance by the stored key, within a short budget. */
  balance(guildId: string, key: string, settings: GuildSettings): Promise<Balance> {
    return this.lookUp(guildId, key, settings, this.options.statusTimeoutMs ?? STATUS_TIMEOUT_MS);
  }

  /** When the API said it takes this guild's account's next request, if that is still ahead. */
  waitingUntil(guildId: string, settings: GuildSettings): number | undefined {
    const now = this.now();
    const fromClear = clearRetryAt(settings);
    const fromCheck = this.waits.get(guildId);
    if (fromCheck !== undefined && fromCheck <= now) this.waits.delete(guildId);
    const until = Math.max(fromClear ?? 0, fromCheck ?? 0);
    return until > now ? until : undefined;
  }

  private async lookUp(guildId: string, key: string, settings: GuildSettings, timeoutMs?: number): Promise<Balance> {
    const until = this.waitingUntil(guildId, settings);
    if (until !== undefined) return { kind: 'unknown', why: { kind: 'waiting', until } };
    const { outcome } = await this.options.api.walletBalance(key, timeoutMs === undefined ? {} : { timeoutMs });
    if (outcome.kind === 'ok') return outcome;
    if (outcome.kind === 'invalid-key') return { kind: 'refused', message: outcome.message };
    if (outcome.kind === 'rate-limited' && outcome.retryAfterS !== undefined) {
      const until = this.now() + outcome.retryAfterS * 1000;
      this.remember(guildId, until);
      return { kind: 'unknown', why: { ...outcome, until } };
    }
    return { kind: 'unknown', why: outcome };
  }

  private remember(guildId: string, until: number): void {
    this.waits.delete(guildId);
    if (this.waits.size >= WAITS_KEPT) this.waits.delete(this.waits.keys().next().value!);
    this.waits.set(guildId, until);
  }
}

/** The retry-after of the guild's last clear, if the API rate limited it: the account's, whatever key is stored since. */
function clearRetryAt(settings: GuildSettings): number | undefined {
  const { clear, lastClear } = settings;
  const outcome = (clear?.done?.result as ClearResult | undefined)?.outcome;
  if (!lastClear || outcome?.kind !== 'rate-limited' || outcome.retryAfterS === undefined) return undefined;
  return lastClear.at + outcome.retryAfterS * 1000;
}
