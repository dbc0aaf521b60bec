/** Runs a process entry: an expected failure (see core/errors.ts) is one plain line on stderr and exit 1, no stack. */
import { isExpected } from './core/errors.js';

export function runEntry(name: string, entry: () => Promise<void>): void {
  entry().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(isExpected(error) ? `${name}: ${message}\n` : `${name}: unexpected failure: ${message}\n`);
    process.exit(1);
  });
}
