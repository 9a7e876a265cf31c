import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql ships ESM and CJS builds; Pothos and yoga load the CJS one under vitest, so make every import agree
    // (otherwise: "Cannot use GraphQLScalarType from another module or realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers and redis-servers on free ports; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
    // A limit on hangs, not on speed (timing lives in bench/): the slowest tests take 15-20 s on an idle machine and
    // twice that while the machine does other work, so 30 s failed them for a busy neighbour.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Failing loudly beats a hidden hang: no test may leave a server running.
    teardownTimeout: 10_000,
  },
});
