// Runs a fixture app the way users run theirs: a separate node process with the register entry.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts `fixtures/<file>` with `--require` (CommonJS) or `--import` (ES module) and waits for the
 * port it prints. `stop()` sends SIGTERM, which must flush the spans before the process exits.
 */
export async function startApp(file, { endpoint, serviceName = 'fixture', env = {} }) {
  const esm = file.endsWith('.mjs');
  const entry = esm ? ['--import', `${root}register.mjs`] : ['--require', `${root}dist/register.js`];
  const child = spawn(process.execPath, [...entry, `${root}test/fixtures/${file}`], {
    env: {
      ...process.env,
      OTEL_SERVICE_NAME: serviceName,
      RETROSPECT_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await Promise.race([
    once(child.stdout.setEncoding('utf8'), 'data'),
    once(child, 'exit').then(([code]) => { throw new Error(`${file} exited with ${code} before listening`); }),
  ]);
  const port = Number(/listening on (\d+)/.exec(line)?.[1]);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      return { code, signal };
    },
  };
}
