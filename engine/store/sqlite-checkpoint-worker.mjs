/**
 * Worker thread of the SQLite store: moves committed pages from the WAL into
 * the database file (a "checkpoint") on its own connection, so the fsyncs a
 * checkpoint needs never block the main thread's event loop, which carries
 * live call audio. The main connection runs with `wal_autocheckpoint = 0`.
 *
 * Plain JavaScript (not TypeScript) so the same file runs from the sources, in
 * tests and from dist/ (copied by the build) without a loader.
 *
 * workerData: { file: string, intervalMs: number, busyTimeoutMs: number }
 * Messages in: 'close' (checkpoint once more, close, exit).
 * Messages out: { type: 'ready' }, { type: 'checkpoint', pages: number }, { type: 'error', message: string }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });

function checkpoint() {
  try {
    // PASSIVE: copy what no reader still needs, never wait for readers or writers.
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result && result.checkpointed > 0) parentPort.postMessage({ type: 'checkpoint', pages: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message ? error.message : error) });
  }
}

const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage({ type: 'ready' });
