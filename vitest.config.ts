import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['protocol', 'models', 'agent', 'hub', 'dashboard', 'test'],
  },
});
