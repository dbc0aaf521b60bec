/** The throttled warn line: one line at once, the rest counted and reported when the window ends, none lost. */
import { expect, it } from 'vitest';
import { throttledWarn } from '../../src/http/throttle.js';
import { SecretSet, createLogger } from '../../src/logger.js';

it('logs the first event at once, and the rest of the window in one line when it ends, none lost', async () => {
  const lines: Array<{ counts: Record<string, number>; addresses?: string[] }> = [];
  const log = createLogger({
    level: 'warn',
    format: 'json',
    secrets: new SecretSet(),
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  const warn = throttledWarn(log, 'cut', 200);
  warn('timeout', '10.0.0.1');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ counts: { timeout: 1 }, addresses: ['10.0.0.1'] });
  warn('timeout', '10.0.0.2');
  warn('connections', '10.0.0.3');
  warn('timeout');
  // Nothing more until the window ends: then the three, without another event to carry them.
  expect(lines).toHaveLength(1);
  while (lines.length < 2) await new Promise((r) => setTimeout(r, 20));
  expect(lines[1]).toMatchObject({ counts: { timeout: 2, connections: 1 }, addresses: ['10.0.0.2', '10.0.0.3'] });
  warn('timeout');
  expect(lines).toHaveLength(2);
  while (lines.length < 3) await new Promise((r) => setTimeout(r, 20));
  expect(lines[2]).toMatchObject({ counts: { timeout: 1 } });
});
