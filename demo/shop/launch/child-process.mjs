// Starting and stopping the demo's processes: each one's output is prefixed with its name, and a
// process counts as started once it prints the line its caller waits for.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * Spawns `command` and resolves once a line of its output matches `ready` (with the match, and the
 * lines so far), or rejects when it exits first or takes longer than `timeoutMs`. `output`
 * receives every line.
 */
export async function startChild({ name, command, args, env = {}, cwd, ready, timeoutMs = 120_000, output = console.log }) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let onLine;
  const matched = new Promise((resolve) => {
    onLine = (line) => {
      lines.push(line);
      output(`[${name}] ${line}`);
      const match = ready?.exec(line);
      if (match) resolve(match);
    };
  });
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);

  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`${name} exited (${signal ?? code}) before it was ready`);
  });
  let timer;
  const timedOut = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} was not ready after ${timeoutMs} ms`)), timeoutMs);
  });
  const handle = { name, child, lines, stop: () => stopChild(child) };
  try {
    handle.match = ready ? await Promise.race([matched, exited, timedOut]) : null;
  } catch (err) {
    await handle.stop();
    throw err;
  } finally {
    clearTimeout(timer);
    exited.catch(() => {});
  }
  return handle;
}

/** SIGTERM (the Node agent flushes its spans on it), then SIGKILL if the process lingers. */
async function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Runs a build command to its end, failing with its output when it fails. */
export async function run(command, args, { cwd, env = {} } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${out.slice(-4000)}`);
  return out;
}
