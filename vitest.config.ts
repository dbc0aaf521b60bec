import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The end-to-end suite runs the built bot (dist/) as users do: build it once before any test.
    globalSetup: ['test/support/build.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel bot processes few so timing checks measure the bot, not the queue.
    maxWorkers: 2,
  },
});
