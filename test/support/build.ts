/**
 * vitest global setup: compile the bot once, so end-to-end tests start `node dist/src/bin/start.js` as npm start does.
 *
 * Skipped when dist/ is newer than every source: a full build rewrites every file of dist/, and a
 * bot that another vitest run (another test file, run beside this one) was starting at that moment
 * read a half-written module and died with a SyntaxError. Any source edited, checked out or added
 * since (a newer mtime), or an output missing, means a full build as before.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['src', 'commands'];

/** Every file under `dir` whose name ends with `suffix` (none when it does not exist). */
function filesUnder(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(dir, name));
}

function upToDate(): boolean {
  const sources = SOURCES.flatMap((dir) => filesUnder(join(ROOT, dir), '.ts')).filter(
    (file) => !file.endsWith('.d.ts'),
  );
  const outputs = sources.map((file) => join(ROOT, 'dist', relative(ROOT, file)).replace(/\.ts$/, '.js'));
  if (sources.length === 0 || !outputs.every((file) => existsSync(file))) return false; // a first build, or a new source
  const newestSource = Math.max(...[...sources, join(ROOT, 'tsconfig.json')].map((file) => statSync(file).mtimeMs));
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return newestSource < oldestOutput;
}

export default function build(): void {
  if (upToDate()) return;
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', '.'],
    { cwd: ROOT, stdio: 'inherit' },
  );
}
