import { defineConfig } from 'vitest/config';

const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_DEV: 'false' };

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', env },
      },
      {
        // Synth bundles every handler with esbuild: allow for it.
        test: {
          name: 'cdk',
          include: ['test/cdk/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          // Most suites synthesize in beforeAll.
          hookTimeout: 120_000,
          env,
        },
      },
      {
        // Deployed app on the emulator; every wait has its own deadline inside the test.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          // Tests wait for every queue to drain, so files must not overlap.
          fileParallelism: false,
          hookTimeout: 120_000,
          env,
        },
      },
      {
        // A real 3-node Kafka cluster that the tests start, fail and stop themselves: one file
        // at a time (fixed ports), with room for JVM start-ups on a 2-core machine.
        test: {
          name: 'kafka',
          include: ['test/kafka/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          env,
        },
      },
    ],
  },
});
