// Starts the real Retrospect server jar on free loopback ports with a fresh data directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('../../../', import.meta.url).pathname;

/** The runnable server jar: RETROSPECT_JAR, else the largest jar in server/app/target (the shaded one). */
export function serverJar() {
  if (process.env.RETROSPECT_JAR) return process.env.RETROSPECT_JAR;
  const target = join(repo, 'server/app/target');
  const jars = existsSync(target)
    ? readdirSync(target).filter((f) => f.endsWith('.jar') && !/sources|javadoc|tests|original/.test(f))
    : [];
  if (jars.length === 0) {
    throw new Error('No server jar: build it first with `mvn -B -pl server/app -am package -DskipTests`, or set RETROSPECT_JAR.');
  }
  return join(target, jars.sort((a, b) => statSync(join(target, b)).size - statSync(join(target, a)).size)[0]);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer() {
  const [http, otlpHttp, otlpGrpc] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'retrospect-ui-e2e-'));
  const output = [];
  // The heap bin/retrospect gives the server by default, so that the UI is tested as it is run.
  const child = spawn('java', ['-Xmx384m', '-jar', serverJar()], {
    env: {
      ...process.env,
      RETROSPECT_STORAGE: 'embedded',
      RETROSPECT_DATA_DIR: dataDir,
      RETROSPECT_HTTP_PORT: String(http),
      RETROSPECT_OTLP_HTTP_PORT: String(otlpHttp),
      RETROSPECT_OTLP_GRPC_PORT: String(otlpGrpc),
      RETROSPECT_BIND_ADDRESS: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => output.push(d));
  child.stderr.on('data', (d) => output.push(d));
  const base = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, otlp: `http://127.0.0.1:${otlpHttp}`, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`The server did not become healthy:\n${Buffer.concat(output).toString().slice(-4000)}`);
}
