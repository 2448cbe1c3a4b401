import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Shell completion's fast entry is CommonJS written in TypeScript (.cts); transform those too.
  oxc: { include: /\.(m|c)?tsx?$/ },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
