/**
 * A warn line that an attacker cannot turn into a flood: the first event of a window is logged at
 * once, the rest are counted and reported with the next line (the metrics count every one).
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logger.js';

export const WARN_EVERY_MS = 30_000;

export function throttledWarn(
  log: Logger,
  msg: string,
  everyMs = WARN_EVERY_MS,
): (kind: string, address?: string) => void {
  let windowStart = -Infinity;
  let counts: Record<string, number> = {};
  let addresses = new Set<string>();
  return (kind, address) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (address !== undefined && addresses.size < 10) addresses.add(address);
    const now = performance.now();
    if (now - windowStart < everyMs) return;
    windowStart = now;
    log.warn({ counts, ...(addresses.size > 0 ? { addresses: [...addresses] } : {}) }, msg);
    counts = {};
    addresses = new Set();
  };
}
