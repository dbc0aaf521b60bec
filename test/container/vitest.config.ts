/**
 * The container tests: `SDBOT_IMAGE_TEST=1 npx vitest run --config test/container/vitest.config.ts`
 * (.ci/run does). They build the project's Dockerfile with buildah and run the image, so they need
 * root, buildah, podman, debootstrap and python3-yaml, and minutes: `npm test` never picks them up
 * (their files end in .ctest.ts, which the main config does not include).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: {
    include: ['test/container/**/*.ctest.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 20 * 60_000,
    // One image, built once per file; the runs share the machine's two cores with nothing else.
    fileParallelism: false,
  },
});
