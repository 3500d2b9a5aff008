/**
 * Synthetic "speech" for the test doubles: a voiced sound (a fundamental and
 * its harmonics, with a syllable-rate loudness swing and a little breath noise)
 * that any energy-based voice detector takes for speech. It never dips near
 * silence within an utterance, so one line is one turn for a VAD.
 */
import { MULAW_SAMPLE_RATE, PCM16_FULL_SCALE, encodeMulaw } from './mulaw.js';
import { createSeededRandom } from '../util/seeded-random.js';

/** How synthetic speech sounds. */
export interface SpeechOptions {
  /**
   * Loudness as RMS over the utterance, a fraction of full scale. Default 0.2
   * (about −14 dBFS, a normal phone voice); the quietest 20 ms of it is still
   * about half of that.
   */
  level?: number;
  /** Fundamental frequency in Hz. Default 140. */
  pitchHz?: number;
  /** Seed of the breath noise; the same seed gives the same samples. Default 1. */
  seed?: number;
}

/** Default loudness of synthetic speech (RMS, fraction of full scale). */
export const SPEECH_LEVEL = 0.2;

// Relative amplitudes of the harmonics: a falling spectrum, like a voiced vowel.
const HARMONICS = [1, 0.5, 0.33, 0.25, 0.2];
const HARMONIC_RMS = Math.sqrt(HARMONICS.reduce((sum, a) => sum + (a * a) / 2, 0));
// Syllables: loudness swings between 50 % and 100 % four times a second.
const SYLLABLE_HZ = 4;
const ENVELOPE_FLOOR = 0.5;
const ENVELOPE_RMS = Math.sqrt(((1 + ENVELOPE_FLOOR) / 2) ** 2 + ((1 - ENVELOPE_FLOOR) / 2) ** 2 / 2);
const NOISE_SHARE = 0.05;
// Short fades so an utterance starts and ends without a click.
const FADE_MS = 5;

/** `durationMs` of synthetic speech as 16-bit linear samples at `sampleRate`. */
export function synthesizeSpeechSamples(durationMs: number, sampleRate: number, options: SpeechOptions = {}): Int16Array {
  const level = options.level ?? SPEECH_LEVEL;
  const pitch = options.pitchHz ?? 140;
  const random = createSeededRandom(options.seed ?? 1);
  const count = Math.max(0, Math.round((durationMs * sampleRate) / 1000));
  const samples = new Int16Array(count);
  const scale = (level * PCM16_FULL_SCALE) / (HARMONIC_RMS * ENVELOPE_RMS);
  const fade = Math.max(1, Math.round((FADE_MS * sampleRate) / 1000));
  for (let i = 0; i < count; i++) {
    const t = i / sampleRate;
    let voiced = 0;
    for (let h = 0; h < HARMONICS.length; h++) voiced += HARMONICS[h]! * Math.sin(2 * Math.PI * pitch * (h + 1) * t);
    const envelope = (1 + ENVELOPE_FLOOR) / 2 + ((1 - ENVELOPE_FLOOR) / 2) * Math.sin(2 * Math.PI * SYLLABLE_HZ * t);
    const edge = Math.min(1, (i + 1) / fade, (count - i) / fade);
    const noise = (random() * 2 - 1) * NOISE_SHARE * HARMONIC_RMS;
    const value = (voiced + noise) * envelope * edge * scale;
    samples[i] = Math.max(-32768, Math.min(32767, Math.round(value)));
  }
  return samples;
}

/** `durationMs` of synthetic speech as 8 kHz μ-law. */
export function synthesizeSpeech(durationMs: number, options: SpeechOptions = {}): Uint8Array {
  return encodeMulaw(synthesizeSpeechSamples(durationMs, MULAW_SAMPLE_RATE, options));
}
