import { defineConfig } from 'vite';

/**
 * The hub serves `dist/` at `/` and index.html for every other page path (`/lines/plant-1/line-1`), so asset
 * URLs must be absolute: relative ones would resolve under `/lines/…` and load index.html instead of the
 * script. `vite` (dev) forwards the API to a hub on its default port.
 */
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
