import { describe, expect, it } from 'vitest';
import { PlaybackBuffer } from '../../engine/testing/playback-buffer.js';

describe('Twilio playback buffer', () => {
  it('plays only what it has, stalling when empty and resuming when audio comes', () => {
    const buffer = new PlaybackBuffer();
    buffer.enqueue(800, 0); // 100 ms
    expect(buffer.advanceTo(250)).toEqual([]);
    expect([buffer.playedMs, buffer.queuedMs]).toEqual([100, 0]);
    buffer.enqueue(800, 300);
    buffer.advanceTo(350);
    expect([buffer.playedMs, buffer.queuedMs]).toEqual([150, 50]);
  });

  it('echoes marks in order as playback passes them', () => {
    const buffer = new PlaybackBuffer();
    buffer.enqueue(800, 0);
    expect(buffer.mark('a', 0)).toEqual([]);
    buffer.enqueue(800, 0);
    expect(buffer.mark('b', 0)).toEqual([]);
    expect(buffer.advanceTo(99)).toEqual([]);
    expect(buffer.advanceTo(100)).toEqual(['a']);
    expect(buffer.advanceTo(500)).toEqual(['b']);
    expect(buffer.mark('c', 500)).toEqual(['c']);
  });

  it('clears the queue, echoing pending marks, and reports what played first', () => {
    const buffer = new PlaybackBuffer();
    buffer.enqueue(1600, 0);
    buffer.mark('a', 0);
    buffer.enqueue(1600, 0);
    buffer.mark('b', 0);
    expect(buffer.clear(250)).toEqual({ discardedBytes: 1600 * 2 - 250 * 8, playedMarks: ['a'], clearedMarks: ['b'] });
    expect([buffer.playedMs, buffer.discardedMs, buffer.queuedMs, buffer.receivedMs]).toEqual([250, 150, 0, 400]);
    expect(buffer.pendingMarks).toEqual([]);
  });
});
