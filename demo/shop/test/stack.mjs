// Everything the end-to-end tests run against, started on free ports and stopped afterwards: the
// Retrospect server (embedded store in a temporary directory), Bob's shop and a headless Chromium.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { run } from '../launch/child-process.mjs';
import { startRetrospectAndShop } from '../launch/retrospect-and-shop.mjs';
import { BROWSER_AGENT } from '../launch/shop.mjs';

const agentsDir = fileURLToPath(new URL('../../../agents/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the agents when their build output is missing (a fresh clone); bin/retrospect builds the server. */
async function build() {
  for (const [agent, output] of [['node', 'dist/index.js'], ['browser', path.relative(path.join(agentsDir, 'browser'), BROWSER_AGENT)]]) {
    const dir = path.join(agentsDir, agent);
    if (existsSync(path.join(dir, output))) continue;
    if (!existsSync(path.join(dir, 'node_modules'))) await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir });
    await run('npm', ['run', 'build'], { cwd: dir });
  }
}

export async function startStack() {
  await build();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'retrospect-shop-test-'));
  const log = [];
  const output = (line) => log.push(line);
  const stoppers = [];
  try {
    // Spans leave the services within a fraction of a second, so the tests need not wait 5 s for a batch.
    const { retrospect, shop, stop } = await startRetrospectAndShop({ dataDir, exportDelayMs: 200, output });
    stoppers.push(stop);
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
    stoppers.unshift(() => browser.close());
    return {
      retrospect, shop, browser, log,
      /** GETs a query API path of Retrospect and returns its JSON, failing on any status but 200. */
      async query(pathAndQuery) {
        const answer = await fetch(retrospect.url + pathAndQuery);
        if (answer.status !== 200) throw new Error(`GET ${pathAndQuery} answered ${answer.status}: ${await answer.text()}`);
        return answer.json();
      },
      /** Switches the shop's planted faults. */
      async setFaults(faults) {
        const answer = await fetch(`${shop.url}/admin/faults`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults),
        });
        if (answer.status !== 200) throw new Error(`setting faults answered ${answer.status}`);
      },
      stop: () => stopAll(stoppers, dataDir),
    };
  } catch (err) {
    await stopAll(stoppers, dataDir);
    err.message += `\n--- output of the stack ---\n${log.slice(-60).join('\n')}`;
    throw err;
  }
}

async function stopAll(stoppers, dataDir) {
  for (const stop of stoppers) await stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
}

/** Polls `probe` until it returns a truthy value; fails after `timeoutMs` naming what it waited for. */
export async function eventually(what, probe, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}
