// The real parts of the end-to-end test: the Retrospect server jar, the instrumented Node back
// end, a third-party server, and the scans of the server's data directory.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import initSqlJs from 'sql.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..', '..');

/** A port nothing listens on right now (the OS picks it; we release it for the child to bind). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The server's runnable jar: $RETROSPECT_JAR, or the one `mvn package` leaves in server/app/target (built if missing). */
export function serverJar() {
  if (process.env.RETROSPECT_JAR) return process.env.RETROSPECT_JAR;
  const find = () => {
    const dir = path.join(REPO, 'server', 'app', 'target');
    if (!fs.existsSync(dir)) return null;
    const jars = fs.readdirSync(dir)
      .filter((f) => f.endsWith('.jar') && !/(sources|javadoc|tests)\.jar$|^original-/.test(f))
      .map((f) => path.join(dir, f))
      .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    return jars[0] ?? null;
  };
  let jar = find();
  if (!jar) {
    execFileSync('mvn', ['-q', '-B', '-ntp', '-DskipTests', 'package'], { cwd: REPO, stdio: 'inherit' });
    jar = find();
  }
  if (!jar) throw new Error('no server jar in server/app/target after mvn package');
  return jar;
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts the Retrospect server on the given ports and data directory (env: more RETROSPECT_* settings); resolves once /health is ok. */
export async function startRetrospect({ dataDir, httpPort, otlpHttpPort, otlpGrpcPort, env = {} }) {
  const log = fs.openSync(path.join(path.dirname(dataDir), `retrospect-${httpPort}-${Date.now()}.log`), 'a');
  // The heap bin/retrospect gives the server by default.
  const child = spawn('java', ['-Xmx384m', '-jar', serverJar()], {
    env: {
      ...process.env,
      RETROSPECT_DATA_DIR: dataDir,
      RETROSPECT_HTTP_PORT: String(httpPort),
      RETROSPECT_OTLP_HTTP_PORT: String(otlpHttpPort),
      RETROSPECT_OTLP_GRPC_PORT: String(otlpGrpcPort),
      RETROSPECT_BIND_ADDRESS: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${httpPort}`;
  let exited = false;
  child.on('exit', () => { exited = true; });
  await waitFor('the Retrospect server', async () => {
    if (exited) throw Object.assign(new Error('the Retrospect server exited; see its log next to the data directory'), { fatal: true });
    return (await fetch(`${url}/health`)).ok;
  }, 90_000).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  return {
    url,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Starts the OpenTelemetry-instrumented shop back end; resolves with its origin. */
export async function startBackend(env) {
  const child = spawn(process.execPath, [path.join(HERE, 'backend.cjs')], {
    env: { ...process.env, OTEL_BSP_SCHEDULE_DELAY: '200', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`back end exited with ${code}`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    received: async () => (await fetch(`${origin}/test/received`)).json(),
    stop: () => new Promise((r) => {
      child.once('exit', r);
      child.kill('SIGTERM');
    }),
  };
}

/** Another origin the page calls (a shipping-rates API): records the headers it gets. */
export async function startThirdParty() {
  const requests = [];
  const server = http.createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      return res.end();
    }
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ rates: ['standard 4.99', 'express 9.99'] }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${server.address().port}`, requests, stop: () => new Promise((r) => server.close(r)) };
}

export { waitFor };

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** Decompresses every gzip stream that starts in buf, as far as it is contiguous. */
function gzipStreamsIn(buf) {
  const out = [];
  for (let i = buf.indexOf(GZIP_MAGIC); i >= 0; i = buf.indexOf(GZIP_MAGIC, i + 1)) {
    try {
      out.push(zlib.gunzipSync(buf.subarray(i), { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    } catch {
      // Not a gzip stream after all, or one cut by a page boundary: the SQLite scan reads those whole.
    }
  }
  return out;
}
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/**
 * Which needles occur in the raw files under dir, or in gzip data inside them. Returns
 * {needle: [where…]} for the needles found, and how many gzip streams were read.
 */
export function scanRawFiles(dir, needles) {
  const found = {};
  let streams = 0;
  const note = (needle, where) => (found[needle] ??= []).push(where);
  for (const file of filesUnder(dir)) {
    const buf = fs.readFileSync(file);
    const inflated = gzipStreamsIn(buf);
    streams += inflated.length;
    for (const needle of needles) {
      if (buf.includes(needle)) note(needle, file);
      if (inflated.some((b) => b.includes(needle))) note(needle, `${file} (gzip data)`);
    }
  }
  return { found, streams };
}

/**
 * Reads every table of every SQLite database under dir (the server stopped, so the WAL is
 * checkpointed) and looks for the needles in each value, gunzipping blobs that are gzip.
 */
export async function scanSqlite(dir, needles) {
  const SQL = await initSqlJs();
  const found = {};
  let blobs = 0;
  let databases = 0;
  for (const file of filesUnder(dir)) {
    const buf = fs.readFileSync(file);
    if (!buf.subarray(0, 16).equals(Buffer.from('SQLite format 3\0'))) continue;
    databases++;
    const db = new SQL.Database(buf);
    // Virtual tables (the FTS5 index) are read through their shadow tables, which hold their data.
    const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'")[0]?.values.map(([n]) => n) ?? [];
    for (const table of tables) {
      const stmt = db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}"`);
      while (stmt.step()) {
        for (const value of stmt.get()) {
          let text = null;
          if (value instanceof Uint8Array) {
            const b = Buffer.from(value);
            if (b.subarray(0, 3).equals(GZIP_MAGIC)) {
              blobs++;
              text = zlib.gunzipSync(b).toString('utf8');
            } else text = b.toString('latin1');
          } else if (typeof value === 'string') text = value;
          if (text === null) continue;
          for (const needle of needles) if (text.includes(needle)) (found[needle] ??= []).push(`${path.basename(file)}:${table}`);
        }
      }
      stmt.free();
    }
    db.close();
  }
  return { found, blobs, databases };
}
