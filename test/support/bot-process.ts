/**
 * The bot as users run it: `node dist/src/main.js` in a child process, configured by env alone.
 *
 *   const bot = await startBotProcess({ DISCORD_TOKEN, DISCORD_API_URL, ... }, cwd);
 *   await bot.waitForLog((l) => l.msg === 'ready');
 *   bot.output()            // everything it printed, stdout and stderr
 *   await bot.stop('SIGTERM')  // resolves with the exit code
 *
 * Every child is killed when the test process exits, also when a test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { BOT_ENTRY, baseEnv } from './bot-env.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface BotProcess {
  child: ChildProcess;
  startedAt: number;
  output(): string;
  logs(): LogLine[];
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export function startBotProcess(env: Record<string, string>, cwd: string, entry = BOT_ENTRY, args: string[] = []): BotProcess {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [entry, ...args], { env: { ...baseEnv(), ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  alive.add(child);
  let output = '';
  const lines: LogLine[] = [];
  const watchers = new Set<() => void>();
  let partial = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    partial += text;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const raw of complete) {
      try {
        const parsed = JSON.parse(raw) as LogLine;
        if (parsed && typeof parsed === 'object') lines.push(parsed);
      } catch {
        // not a JSON log line (stderr text): kept in output()
      }
    }
    for (const watcher of watchers) watcher();
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      alive.delete(child);
      resolve(code ?? signal ?? -1);
      for (const watcher of watchers) watcher();
    }),
  );
  let ended = false;
  void exited.then(() => (ended = true));

  return {
    child,
    startedAt,
    output: () => output,
    logs: () => lines,
    exited,
    waitForLog(match, timeoutMs = 15_000, what = 'a log line') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found) return finish(() => resolve(found));
          if (ended) finish(() => reject(new Error(`bot exited before ${what}; output:\n${output}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${output}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          settle();
        };
        watchers.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', timeoutMs = 12_000) {
      if (!ended) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
