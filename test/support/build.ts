/** vitest global setup: compile the bot once, so end-to-end tests start `node dist/src/bin/start.js` as npm start does. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function build(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', '.'], { cwd: root, stdio: 'inherit' });
}
