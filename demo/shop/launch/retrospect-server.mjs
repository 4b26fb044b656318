// Starts the Retrospect server through bin/retrospect, which builds the jar first when it is missing
// or older than its sources, with the embedded store in a directory of the caller's.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './child-process.mjs';

const launcher = fileURLToPath(new URL('../../../bin/retrospect', import.meta.url));

/**
 * Starts the server and resolves with its addresses once `/health` answers. Port 0 picks a free port.
 *
 * @param {{dataDir: string, httpPort?: number, otlpHttpPort?: number, otlpGrpcPort?: number, output?: (line: string) => void}} options
 */
export async function startRetrospectServer({ dataDir, httpPort = 0, otlpHttpPort = 0, otlpGrpcPort = 0, output }) {
  const server = await startChild({
    name: 'retrospect',
    command: launcher,
    args: [],
    env: {
      RETROSPECT_DATA_DIR: path.resolve(dataDir),
      RETROSPECT_HTTP_PORT: String(httpPort),
      RETROSPECT_OTLP_HTTP_PORT: String(otlpHttpPort),
      RETROSPECT_OTLP_GRPC_PORT: String(otlpGrpcPort),
    },
    ready: /OTLP\/gRPC\s+\S+/,
    // The first start builds the server and the UI with Maven and npm.
    timeoutMs: 20 * 60_000,
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
