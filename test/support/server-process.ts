/**
 * `parley serve` in a child process, for crash and multi-process tests: real
 * process, real socket, real SQLite file. `started` resolves with the URL the
 * server prints once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with the exit code or signal once it has exited. */
  exited: Promise<number | NodeJS.Signals>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/** Starts `parley serve --port 0 --data <dataDir>`; resolves once it prints where it listens. */
export async function startServerProcess(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'server', 'fixtures', 'parley-cli.ts'), 'serve', '--port', '0', '--data', dataDir, ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PARLEY_FLOWS_DIR: '',
      PARLEY_EXAMPLE_DATA: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const match = /Parley listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match[1]!.replace(/[,—]$/, ''));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`parley serve exited (${code}) before listening:\n${out}`)));
  });
  return {
    child,
    url,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
