import { defineConfig } from 'vite';

/**
 * The hub serves `dist/` at `/` and index.html for every other page path (`/lines/plant-1/line-1`), so asset
 * URLs must be absolute: relative ones would resolve under `/lines/…` and load index.html instead of the
 * script. `vite` (dev) forwards the API to a hub on its default port, as the page's own origin: the hub refuses
 * changes from other origins, and through the proxy the dev server's origin stands for the hub's.
 */
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: {
    proxy: {
      '/api': {
        target: 'http://127.0.0.1:8080',
        configure: (proxy) => proxy.on('proxyReq', (req) => req.removeHeader('origin')),
      },
    },
  },
});
