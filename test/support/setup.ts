/**
 * vitest setup for every test file: a bot process a test started and did not stop (its assertion
 * failed first) is killed when the file ends, so no process outlives the file that started it.
 */
import { afterAll } from 'vitest';
import { killAllBotProcesses } from './bot-process.js';

afterAll(() => killAllBotProcesses());
