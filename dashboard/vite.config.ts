import { defineConfig } from 'vite';

/** The hub serves `dist/` at `/`; `vite` (dev) forwards the API to a hub on its default port. */
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
