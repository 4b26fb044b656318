import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __VERSION__: '"test"' },
  test: {
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    environmentOptions: { happyDOM: { url: 'https://shop.example.com/cart' }, jsdom: { url: 'https://shop.example.com/cart' } },
  },
});
