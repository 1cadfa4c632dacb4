import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'test', include: ['**/*.test.ts'], exclude: ['**/node_modules/**', '**/dist/**'] },
});
