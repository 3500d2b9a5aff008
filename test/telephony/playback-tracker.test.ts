import { describe, expect, it } from 'vitest';
import { MARK_ECHO_SLACK_MS, MARK_EVERY_MS, PlaybackTracker } from '../../engine/telephony/playback-tracker.js';

function tracker() {
  let now = 0;
  const playback = new PlaybackTracker(() => now);
  return { playback, at: (ms: number) => (now = ms) };
}

/** Sends `chunks` chunks of 100 ms of `item`; returns the mark names (every chunk that long gets one). */
function send(playback: PlaybackTracker, item: string, chunks: number): string[] {
  return Array.from({ length: chunks }, () => playback.audioSent(item, 100)!);
}

describe('PlaybackTracker', () => {
  it('runs playback on the clock from when the audio was sent, never past what was sent', () => {
    const { playback, at } = tracker();
    send(playback, 'item-1', 6);
    expect(playback.playing).toBe(true);
    at(250);
    expect(playback.playedMs()).toBe(250);
    expect(playback.itemPlayedMs('item-1')).toBe(250);
    expect(playback.queuedMs()).toBe(350);
    at(5000);
    // No echo for a long time: playback cannot be far past the first mark that has not echoed.
    expect(playback.playedMs()).toBe(100 + MARK_ECHO_SLACK_MS);
  });

  it('trusts the most prompt echo: the caller heard at least what it proves', () => {
    const { playback, at } = tracker();
    const marks = send(playback, 'item-1', 6);
    at(240); // the mark after 200 ms of audio echoes at 240 ms: playback started by 40 ms
    expect(playback.markEchoed(marks[1]!).map((m) => m.name)).toEqual([marks[0], marks[1]]);
    at(300);
    expect(playback.playedMs()).toBe(260);
    at(425); // a more prompt echo: started by 25 ms
    playback.markEchoed(marks[3]!);
    at(500);
    expect(playback.playedMs()).toBe(475);
    at(560); // a late echo changes nothing
    playback.markEchoed(marks[4]!);
    expect(playback.playedMs()).toBe(535);
  });

  it('trusts an echo that shows playback further along than the sends said', () => {
    const { playback, at } = tracker();
    const first = send(playback, 'item-1', 1);
    at(90); // 100 ms sent, 90 ms played: not dry; more audio follows
    const more = send(playback, 'item-1', 3);
    at(95);
    playback.markEchoed(first[0]!);
    expect(playback.playedMs()).toBe(100);
    playback.markEchoed(more[0]!); // 200 ms played by 95 ms: it started earlier than we assumed
    at(100);
    expect(playback.playedMs()).toBe(205);
  });

  it('restarts playback with audio sent after the queue ran dry', () => {
    const { playback, at } = tracker();
    const first = send(playback, 'item-1', 1);
    at(500);
    expect(playback.playedMs()).toBe(100);
    playback.markEchoed(first[0]!);
    expect(playback.playing).toBe(false);
    send(playback, 'item-2', 2);
    at(550);
    expect(playback.playedMs()).toBe(150);
    expect(playback.itemPlayedMs('item-2')).toBe(50);
    expect(playback.itemPlayedMs('item-1')).toBe(100);
  });

  it('tracks items along one timeline', () => {
    const { playback, at } = tracker();
    const marks = send(playback, 'a', 3);
    send(playback, 'b', 3);
    at(310);
    playback.markEchoed(marks[2]!);
    at(420);
    expect(playback.itemPlayedMs('a')).toBe(300);
    expect(playback.itemPlayedMs('b')).toBe(110);
    expect(playback.itemSentMs('b')).toBe(300);
    expect(playback.itemPlayedMs('unknown')).toBeUndefined();
  });

  it('forgets unplayed audio on a clear and ignores the echoes of the dropped marks', () => {
    const { playback, at } = tracker();
    const marks = send(playback, 'a', 5);
    const turnEnd = playback.turnEndSent('resp-1');
    at(230);
    const dropped = playback.cleared();
    expect(dropped.map((m) => m.name)).toEqual([...marks, turnEnd]);
    expect(dropped.at(-1)).toMatchObject({ kind: 'turn-end', responseId: 'resp-1' });
    expect(playback.playing).toBe(false);
    expect(playback.totalSentMs).toBe(230);
    expect(playback.markEchoed(marks[4]!)).toEqual([]);
    at(300);
    send(playback, 'b', 1);
    at(350);
    expect(playback.itemPlayedMs('b')).toBe(50);
  });

  it('settles a turn-end mark once everything before it has played', () => {
    const { playback, at } = tracker();
    const marks = send(playback, 'a', 2);
    const turnEnd = playback.turnEndSent('resp-1');
    at(150);
    playback.markEchoed(marks[0]!);
    expect(playback.playing).toBe(true);
    at(205);
    expect(playback.markEchoed(turnEnd).map((m) => m.kind)).toEqual(['audio', 'turn-end']);
    expect(playback.playing).toBe(false);
    expect(playback.playedMs()).toBe(200);
  });

  it('marks the first chunk of an item, then every 100 ms of audio; the unmarked rest still counts as playing', () => {
    const { playback, at } = tracker();
    const marks = Array.from({ length: 12 }, () => playback.audioSent('a', 20));
    expect(MARK_EVERY_MS).toBe(100);
    expect(marks.map((mark) => mark !== undefined)).toEqual([true, false, false, false, false, true, false, false, false, false, true, false]);
    expect(playback.audioSent('b', 20)).toBeDefined(); // a new item
    at(200);
    playback.markEchoed(marks[10]!); // 220 ms had played at 200 ms: it started earlier than sent
    expect(playback.playing).toBe(true);
    at(230);
    expect(playback.playedMs()).toBe(250);
    at(300);
    // No mark after 260 ms: playback is still estimated, up to what was sent.
    expect(playback.playedMs()).toBe(260);
    expect(playback.playing).toBe(true);
    const end = playback.turnEndSent('resp-1');
    playback.markEchoed(end);
    expect(playback.playing).toBe(false);
  });
});
