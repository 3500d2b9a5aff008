/** Runs a TypeScript fixture in a child Node process (through tsx), for tests that need a second process on the same files. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Starts `node --import tsx <fixture> ...args` from the package root. */
export function startFixture(fixture: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'store', 'fixtures', fixture), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A running fixture: `ready` resolves when it prints a line `ready`; `done` with all its stdout lines once it exits with 0. */
export function runFixture(fixture: string, args: string[]): { child: ChildProcess; ready: Promise<void>; done: Promise<string[]> } {
  const child = startFixture(fixture, args);
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (/^ready$/m.test(out)) markReady();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(out.split('\n').filter((line) => line && line !== 'ready'));
      else reject(new Error(`${fixture} exited with ${code ?? signal}: ${err}`));
    });
  });
  // A fixture that dies before `ready` must fail the test, not leave it waiting.
  return { child, ready: Promise.race([ready, done.then(() => undefined)]), done };
}
