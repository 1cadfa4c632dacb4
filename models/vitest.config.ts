import { defineProject } from 'vitest/config';

// Timeouts are hang guards only: no test here may depend on the machine's speed (`pnpm test` must pass when
// run twice at once on 2 busy cores), so the heavy checks run on small inputs and the full-size figures live
// in `pnpm bench:model` and `pnpm models:build`.
export default defineProject({
  test: {
    name: 'models',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
