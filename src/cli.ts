/** Runs a process entry: an expected start-up failure is one plain line on stderr and exit 1, no stack. */
import { ConfigError } from './config.js';
import { StoreOpenError } from './store/index.js';

export class StartupError extends Error {
  override name = 'StartupError';
}

export function runEntry(name: string, entry: () => Promise<void>): void {
  entry().catch((error: unknown) => {
    const plain = error instanceof ConfigError || error instanceof StoreOpenError || error instanceof StartupError;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(plain ? `${name}: ${message}\n` : `${name}: unexpected failure: ${message}\n`);
    process.exit(1);
  });
}
