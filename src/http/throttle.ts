/**
 * A warn line that an attacker cannot turn into a flood: at most one line per window. The first
 * event of a quiet spell is logged at once; the rest are counted and reported when the window
 * ends (the metrics count every one).
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
  let pending: NodeJS.Timeout | undefined;
  const flush = () => {
    pending = undefined;
    windowStart = performance.now();
    log.warn({ counts, ...(addresses.size > 0 ? { addresses: [...addresses] } : {}) }, msg);
    counts = {};
    addresses = new Set();
  };
  return (kind, address) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (address !== undefined && addresses.size < 10) addresses.add(address);
    const left = windowStart + everyMs - performance.now();
    if (left <= 0 && !pending) flush();
    else pending ??= setTimeout(flush, Math.max(left, 0)).unref();
  };
}
