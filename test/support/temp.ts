/** Temp folders that tests clean up after themselves. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'sdbot-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Every byte of a sqlite database and its -wal/-shm, as latin1 text for substring checks. */
export async function databaseBytes(file: string): Promise<string> {
  const { existsSync, readFileSync } = await import('node:fs');
  return [file, `${file}-wal`, `${file}-shm`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}
