import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CONTENT_SECURITY_POLICY } from './electron/security';

// frame-ancestors is ignored in a meta tag; the HTTP header (host mode, Electron) carries it.
const metaCsp = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');

// The renderer is loaded from file:// in Electron and from http://127.0.0.1 in host mode, so
// assets use relative paths.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), {
    name: 'inject-csp',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: metaCsp }, injectTo: 'head-prepend' }],
  }],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome130',
    chunkSizeWarningLimit: 2000,
  },
});
