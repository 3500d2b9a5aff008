import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Tests that check real-time behaviour against the wall clock (barge-in
 * truncation within ±20 ms of what played, Twilio's 20 ms cadence, many calls
 * at once): they run after everything else, one file at a time, so that the
 * rest of the suite does not take the cores they are measuring on. Their
 * assertions are the same as anywhere else.
 */
const REAL_TIME = ['test/runtime/barge-in.test.ts', 'test/testing/doubles-together.test.ts', 'test/runtime/malformed-frames.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Tests open real sockets and child processes; keep the 2-core CI machine responsive.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'parley', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...REAL_TIME], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'real-time', include: REAL_TIME, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
