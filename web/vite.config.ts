import { defineConfig } from 'vite';

/**
 * The workbench build. `greenlane serve` runs it (src/driving/http/web/web-build.ts) when the
 * sources changed; `npm run build:web` runs it by hand. JSX is compiled by Vite's own transform
 * (React 17+ automatic runtime), so no React plugin is needed for a production build.
 */
export default defineConfig({
  base: '/',
  mode: 'production',
  // The production build of React even when the caller's NODE_ENV is `test` (the test run builds it).
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react', development: false } },
  build: {
    target: 'es2022',
    assetsDir: 'assets',
    // Inline nothing: the Content-Security-Policy allows only files from our origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      // React Query marks its modules "use client" (for server components); meaningless in this bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
