import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The dev server proxies the query API to a locally running Retrospect server, so the UI can be
// developed against real data: `RETROSPECT_URL=http://localhost:3200 npm run dev`.
const server = process.env.RETROSPECT_URL ?? 'http://localhost:3200';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': server,
      '/health': server,
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
