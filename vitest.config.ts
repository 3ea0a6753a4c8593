import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests read real images and run a real ONNX model on 2 cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Service logs would bury test output; failures still print their errors.
    env: { MPREID_LOG_STDERR: '0' },
  },
});
