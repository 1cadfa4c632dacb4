import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'agent', include: ['**/*.test.ts'], exclude: ['**/node_modules/**', '**/dist/**'] },
});
