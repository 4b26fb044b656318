// Starts the Retrospect server from its jar, with the embedded store in a directory of the caller's.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startChild } from './child-process.mjs';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The runnable jar the server module's build makes. */
export const SERVER_JAR = path.join(repoRoot, 'server', 'app', 'target', 'retrospect.jar');

/** Builds the server jar (without tests) when it is missing or older than a source of the server. */
export async function buildServerJar() {
  if (existsSync(SERVER_JAR) && !newerThan(path.join(repoRoot, 'server'), statSync(SERVER_JAR).mtimeMs)) return;
  await run('mvn', ['-q', '-B', '-ntp', '-DskipTests', 'package', '-pl', 'server/app', '-am'], { cwd: repoRoot });
}

function newerThan(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'target' || entry.name === 'node_modules') continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory() ? newerThan(file, time) : statSync(file).mtimeMs > time) return true;
  }
  return false;
}

/**
 * Starts the server and resolves with its addresses once `/health` answers. Port 0 picks a free port.
 *
 * @param {{dataDir: string, httpPort?: number, otlpHttpPort?: number, otlpGrpcPort?: number, output?: (line: string) => void}} options
 */
export async function startRetrospectServer({ dataDir, httpPort = 0, otlpHttpPort = 0, otlpGrpcPort = 0, output }) {
  const server = await startChild({
    name: 'retrospect',
    command: 'java',
    args: ['-jar', SERVER_JAR],
    env: {
      RETROSPECT_DATA_DIR: dataDir,
      RETROSPECT_HTTP_PORT: String(httpPort),
      RETROSPECT_OTLP_HTTP_PORT: String(otlpHttpPort),
      RETROSPECT_OTLP_GRPC_PORT: String(otlpGrpcPort),
    },
    ready: /OTLP\/gRPC\s+\S+/,
    output,
  });
  const address = (label) => new RegExp(`${label}\\s+(http://[^/\\s]+)`).exec(server.lines.join('\n'))?.[1];
  const url = address('UI and query API');
  const otlpEndpoint = address('OTLP/HTTP');
  if (!url || !otlpEndpoint) {
    await server.stop();
    throw new Error(`could not read the server's addresses from its output:\n${server.lines.join('\n')}`);
  }
  const health = await fetch(`${url}/health`).catch((err) => ({ status: err.message }));
  if (health.status !== 200) {
    await server.stop();
    throw new Error(`Retrospect's /health answered ${health.status}`);
  }
  return { url, otlpEndpoint, stop: server.stop };
}
