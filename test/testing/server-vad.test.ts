import { describe, expect, it } from 'vitest';
import { encodeSamples, silenceOf } from '../../engine/audio/audio-format.js';
import { mulawSilence } from '../../engine/audio/mulaw.js';
import { synthesizeSpeech, synthesizeSpeechSamples } from '../../engine/audio/synthetic-speech.js';
import { ServerVad, VAD_MIN_SPEECH_MS, type VadSettings } from '../../engine/testing/server-vad.js';

const DEFAULTS: VadSettings = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 };

function run(chunks: Uint8Array[], settings: VadSettings = DEFAULTS, encoding: 'audio/pcmu' | 'audio/pcma' | 'audio/pcm' = 'audio/pcmu') {
  const events: string[] = [];
  const vad = new ServerVad(encoding, settings, {
    speechStarted: (ms) => events.push(`start@${ms}`),
    speechStopped: (ms) => events.push(`stop@${ms}`),
  });
  for (const chunk of chunks) vad.write(chunk);
  return { events, vad };
}

describe('server VAD (energy, on audio time)', () => {
  it('finds a turn: start minus prefix padding, stop after the silence duration', () => {
    // 1 s silence, 1.2 s speech, 1 s silence.
    const { events } = run([mulawSilence(1000), synthesizeSpeech(1200), mulawSilence(1000)]);
    // Speech starts at 1000 ms; detection needs 60 ms of it; the turn is reported from 300 ms earlier.
    expect(events).toEqual(['start@700', 'stop@2700']);
    expect(VAD_MIN_SPEECH_MS).toBe(60);
  });

  it('gives the same answer however the audio is split into appends', () => {
    const audio = Buffer.concat([mulawSilence(400), synthesizeSpeech(700), mulawSilence(800)]);
    const whole = run([audio]).events;
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < audio.length; at += 37) pieces.push(audio.subarray(at, at + 37));
    expect(run(pieces).events).toEqual(whole);
  });

  it('keeps one turn through pauses shorter than the silence duration, and splits on longer ones', () => {
    const speech = synthesizeSpeech(400);
    expect(run([speech, mulawSilence(300), speech, mulawSilence(600)]).events).toEqual(['start@0', 'stop@1600']);
    expect(run([speech, mulawSilence(300), speech, mulawSilence(600)], { ...DEFAULTS, silenceDurationMs: 200 }).events).toEqual([
      'start@0',
      'stop@600',
      'start@400',
      'stop@1300',
    ]);
  });

  it('ignores clicks shorter than the minimum speech and speech under the threshold', () => {
    expect(run([mulawSilence(200), synthesizeSpeech(40), mulawSilence(1000)]).events).toEqual([]);
    expect(run([synthesizeSpeech(1000, { level: 0.03 }), mulawSilence(600)]).events).toEqual([]);
    // The same quiet speech counts once the threshold is lowered.
    expect(run([synthesizeSpeech(1000, { level: 0.03 }), mulawSilence(600)], { ...DEFAULTS, threshold: 0.2 }).events).toEqual(['start@0', 'stop@1500']);
  });

  it('does not report the start of a turn before the end of the previous one', () => {
    const { events, vad } = run([synthesizeSpeech(500), mulawSilence(500)]);
    vad.reset();
    vad.write(mulawSilence(100));
    vad.write(synthesizeSpeech(300));
    vad.write(mulawSilence(500));
    expect(events).toEqual(['start@0', 'stop@1000', 'start@1000', 'stop@1900']);
  });

  it('reads A-law and 24 kHz PCM, including 16-bit samples split across appends', () => {
    const alaw = [encodeSamples('audio/pcma', synthesizeSpeechSamples(600, 8000)), silenceOf('audio/pcma', 600)];
    expect(run(alaw, DEFAULTS, 'audio/pcma').events).toEqual(['start@0', 'stop@1100']);
    const pcm = Buffer.concat([silenceOf('audio/pcm', 500), encodeSamples('audio/pcm', synthesizeSpeechSamples(600, 24000)), silenceOf('audio/pcm', 600)]);
    const odd: Uint8Array[] = [];
    for (let at = 0; at < pcm.length; at += 333) odd.push(pcm.subarray(at, at + 333));
    expect(run(odd, DEFAULTS, 'audio/pcm').events).toEqual(['start@200', 'stop@1600']);
  });

  it('counts audio time in milliseconds of appended audio', () => {
    const { vad } = run([mulawSilence(1230)]);
    expect(vad.audioMs).toBe(1230);
  });
});
