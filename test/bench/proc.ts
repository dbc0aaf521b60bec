/**
 * What the benchmark reads of a child from /proc: memory and CPU.
 *
 *   procStats(bot.pid)          // { rssKiB, hwmKiB, cpuMs, mainCpuMs }
 *   procStatsIfAlive(bot.pid)   // the same, or undefined once the process has gone
 *   onInterrupt(async () => ...) // cleanup for a run that is interrupted (signal, deadline, error)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { killAllBotProcesses } from '../support/bot-process.js';

const cleanups = new Set<() => Promise<void>>();

/** Work for an interrupted run's way out (e.g. dropping a database it made), after its children are killed. */
export function onInterrupt(cleanup: () => Promise<void>): void {
  cleanups.add(cleanup);
}

/** Kills every child, then runs the onInterrupt cleanups, for at most `timeoutMs`. */
export async function abandonRun(timeoutMs = 5_000): Promise<void> {
  killAllBotProcesses();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...cleanups].map((cleanup) => cleanup())),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

// The benchmark's children are test/support/bot-process.ts ones; a signal to the benchmark kills them too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // A second signal while cleaning up ends the run at once.
    process.once(signal, () => process.exit(130));
    void abandonRun().finally(() => process.exit(130));
  });
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcStats {
  /** Resident set size now (VmRSS), KiB. */
  rssKiB: number;
  /** Peak resident set size so far (VmHWM), KiB. */
  hwmKiB: number;
  /** User + system CPU time so far, all threads, ms. */
  cpuMs: number;
  /** The same for the main (JavaScript) thread alone, ms. */
  mainCpuMs: number;
}

/** utime + stime of a /proc stat line, ms. */
function statCpuMs(stat: string): number {
  // The command name is in parentheses and may hold spaces; utime and stime are fields 14 and 15
  // of the line, so 11 and 12 after "pid (comm) ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
}

export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return {
    rssKiB: kib('VmRSS'),
    hwmKiB: kib('VmHWM'),
    cpuMs: statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    // The main thread's task id is the process id.
    mainCpuMs: statCpuMs(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
  };
}

/** procStats, or undefined when the process has exited (its /proc entry is gone or no longer readable). */
export function procStatsIfAlive(pid: number): ProcStats | undefined {
  try {
    const stats = procStats(pid);
    return Number.isNaN(stats.rssKiB) ? undefined : stats;
  } catch {
    return undefined;
  }
}
