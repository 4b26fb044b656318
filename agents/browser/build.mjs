// Builds dist/: the ES module (rrweb left as a dependency) with type declarations, and the
// single-file minified IIFE for a <script> tag that exposes window.Retrospect (rrweb included).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  define: { __VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

fs.rmSync('dist', { recursive: true, force: true });
await esbuild.build({ ...common, format: 'esm', outfile: 'dist/retrospect.js', external: ['rrweb'] });
await esbuild.build({ ...common, format: 'iife', globalName: 'Retrospect', minify: true, outfile: 'dist/retrospect.iife.js' });
execFileSync('npx', ['tsc', '--emitDeclarationOnly', '--outDir', 'dist'], { stdio: 'inherit' });

const iife = fs.readFileSync('dist/retrospect.iife.js');
const gz = zlib.gzipSync(iife, { level: 9 }).length;
console.log(`dist/retrospect.iife.js: ${(iife.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped`);
