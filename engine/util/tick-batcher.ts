/**
 * Fewer system calls on the audio path: everything a WebSocket sends during
 * one tick of the event loop goes out in one write. `batch()` corks the
 * socket under the WebSocket (once per tick) and uncorks it on
 * `process.nextTick`, after the current callback — microseconds later, not a
 * timer. Every frame a call relays costs a `writev` otherwise, and system
 * calls are what a server relaying hundreds of calls spends most on
 * (docs/performance.md).
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Returns `batch()`: call it before sending; what is sent in this tick leaves together. */
export function createTickBatcher(ws: WebSocket): () => void {
  // ws keeps its socket in `_socket`; without one (not connected yet) there is nothing to batch.
  const socket = (ws as unknown as { _socket?: Duplex })._socket;
  let corked = false;
  const flush = () => {
    corked = false;
    socket!.uncork();
  };
  return () => {
    if (corked || !socket || socket.destroyed) return;
    corked = true;
    socket.cork();
    process.nextTick(flush);
  };
}
