/** Runs the scorekit CLI in a child process (through tsx), as a user would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// `node --import tsx` runs the CLI in this one process (the tsx CLI would add a wrapper
// process, and signals sent to it would not reach the CLI itself).
const TSX = require.resolve('tsx');
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running CLI process whose output is collected as it comes (so its pipes never fill). */
export interface RunningCli {
  readonly proc: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code once the process has exited and its output is read. */
  readonly done: Promise<number | null>;
}

/** Starts `scorekit ...args`. */
export function spawnCli(args: readonly string[]): RunningCli {
  const proc = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve(code));
  });
  return { proc, stdout: () => out, stderr: () => err, done };
}

/** Runs `scorekit ...args` to completion. */
export function runCli(args: readonly string[]): Promise<CliResult> {
  const p = spawnCli(args);
  return p.done.then((code) => ({ code, stdout: p.stdout(), stderr: p.stderr() }));
}
