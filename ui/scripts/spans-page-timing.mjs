// Times the Spans page as a user meets it: a fresh tab opens /spans?q=<email> and waits until the
// first result row is on screen. Point it at a running Retrospect that already holds the data
// (e.g. the 1M spans bench/query.sh loads):
//   node ui/scripts/spans-page-timing.mjs --url=http://127.0.0.1:3200 --loads=20
// Prints p50 / p90 / max of navigation start → first row visible, and checks each row matches.
import { chromium } from 'playwright-core';

const arg = (name, fallback) =>
  (process.argv.find((a) => a.startsWith(`--${name}=`)) ?? `=${fallback}`).split('=').slice(1).join('=');
const base = arg('url', 'http://127.0.0.1:3200');
const loads = Number(arg('loads', '20'));

const spread = Math.max(1, Math.floor(1000 / loads));
const sample = await (await fetch(`${base}/api/spans?limit=1000&sort=oldest`)).json();
const emails = sample.spans
  .map((s) => s.attributes['user.email'])
  .filter(Boolean)
  .filter((_, i) => i % spread === 0)
  .slice(0, loads);
if (emails.length === 0) throw new Error('no span with a user.email attribute: load data first');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const times = [];
try {
  const total = await (await fetch(`${base}/metrics`)).text();
  const stored = /retrospect_spans_stored_total (\d+)/.exec(total)?.[1] ?? '?';
  for (const email of emails) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${base}/spans?q=${encodeURIComponent(email)}`);
    const row = page.locator('table.spans-table tbody tr').first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    times.push(Date.now() - started);
    const text = await page.locator('table.spans-table tbody').innerText();
    if (!text.includes('POST /checkout') && !/\/(authenticate|inventory|payment|shipping)/.test(text)) {
      throw new Error(`rows for ${email} do not look like its checkout: ${text.slice(0, 200)}`);
    }
    await context.close();
  }
  times.sort((a, b) => a - b);
  const pct = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
  console.log(`spans page, ${times.length} fresh loads of /spans?q=<email> over ${stored} stored spans:`);
  console.log(`  first result row visible: p50 ${pct(50)} ms, p90 ${pct(90)} ms, max ${times.at(-1)} ms`);
} finally {
  await browser.close();
}
