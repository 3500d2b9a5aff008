/**
 * Tests that run Parley as users do — the built CLI, the package's `exports`
 * — need `dist/` to match the sources. `npm test` builds first; a focused
 * `vitest run` may not have. This builds when a source is newer than the last
 * build, one test process at a time (two workers building into one `dist/`
 * at once could leave it half written).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const DIST = path.join(ROOT, 'dist');
/** Written by every build (tsconfig.build.json), whichever outputs it re-emits. */
const BUILD_INFO = path.join(DIST, '.tsbuildinfo');
const LOCK = path.join(DIST, '.build-lock');
const LOCK_WAIT_MS = 180_000;
const LOCK_POLL_MS = 200;

async function newestSource(): Promise<number> {
  let newest = 0;
  for (const folder of ['engine', 'connectors']) {
    for (const entry of await readdir(path.join(ROOT, folder), { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name)) newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
    }
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await stat(BUILD_INFO).then((info) => info.mtimeMs, () => 0);
  return built >= (await newestSource());
}

/** Builds `dist/` unless it is up to date. */
export async function ensureBuilt(): Promise<void> {
  if (await isFresh()) return;
  await mkdir(DIST, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`another test process has been building dist/ for ${LOCK_WAIT_MS / 1000} s (remove ${LOCK} if none is)`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    // Someone else may have built it while this process waited.
    if (!(await isFresh())) {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
      // An incremental build with nothing to emit leaves the build info as it was; mark this check as done.
      const now = new Date();
      await utimes(BUILD_INFO, now, now);
    }
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
