// Prints the gzipped size of the JavaScript a browser loads before the first page renders: the
// scripts and module preloads that dist/index.html names. Lazy chunks (the replay player) are
// listed apart. Exits non-zero over the 300 KB budget.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const total = initial.reduce((sum, file) => sum + gz(file), 0);
for (const file of initial) console.log(`initial  ${kb(gz(file)).padStart(9)} gz  ${file}`);
for (const file of readdirSync(join(dist, 'assets'))) {
  const path = `assets/${file}`;
  if (file.endsWith('.js') && !initial.includes(path)) console.log(`lazy     ${kb(gz(path)).padStart(9)} gz  ${path}`);
}
console.log(`first-load JS: ${kb(total)} gz (budget 300 KB)`);
process.exit(total <= 300 * 1024 ? 0 : 1);
