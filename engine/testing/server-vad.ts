/**
 * The fake realtime server's voice activity detection: an energy detector
 * over the audio the client appends, with the session's `turn_detection`
 * settings. It runs on audio time (milliseconds of audio appended), not wall
 * time, so it gives the same answer however fast the client sends.
 *
 * The real server VAD is a model with a 0–1 `threshold`; here the threshold
 * maps to a loudness: a 20 ms window is voiced when its RMS is at least
 * `threshold × VAD_LEVEL_PER_THRESHOLD` of full scale (0.05, about −26 dBFS, at
 * the default 0.5). Synthetic speech at its default level (0.2) is well above
 * any threshold up to 1; silence and line hiss are far below.
 */
import { bytesPerMsOf, bytesPerSampleOf, type AudioEncoding } from '../audio/audio-format.js';
import { ALAW_SQUARED } from '../audio/alaw.js';
import { MULAW_SQUARED, PCM16_FULL_SCALE } from '../audio/mulaw.js';

/** Length of the windows the detector decides on. */
export const VAD_WINDOW_MS = 20;
/** Loudness (RMS, fraction of full scale) that a threshold of 1.0 requires. */
export const VAD_LEVEL_PER_THRESHOLD = 0.1;
/** Voiced audio needed before speech counts as started (a click is not a turn). */
export const VAD_MIN_SPEECH_MS = 60;

/** The `server_vad` settings the detector uses. */
export interface VadSettings {
  /** 0–1, as in `turn_detection.threshold`. */
  threshold: number;
  /** Audio before the detected start included in the turn (`prefix_padding_ms`). */
  prefixPaddingMs: number;
  /** Silence that ends a turn (`silence_duration_ms`). */
  silenceDurationMs: number;
}

/** What the detector reports, in audio milliseconds since the session's first appended byte. */
export interface VadListener {
  speechStarted(audioStartMs: number): void;
  speechStopped(audioEndMs: number): void;
}

/** Energy voice activity detection over appended audio. */
export class ServerVad {
  private encoding: AudioEncoding;
  private settings: VadSettings;
  private windowBytes = 0;
  private energy = 0;
  private filled = 0;
  // A lone low byte of a 16-bit sample split across two appends.
  private lowByte = -1;
  private windows = 0;
  private speaking = false;
  private voicedMs = 0;
  private voicedStartMs = 0;
  private silentMs = 0;
  // Audio before this point belongs to a turn already committed or cleared.
  private floorMs = 0;

  constructor(encoding: AudioEncoding, settings: VadSettings, private readonly listener: VadListener) {
    this.encoding = encoding;
    this.settings = settings;
    this.windowBytes = VAD_WINDOW_MS * bytesPerMsOf(encoding);
  }

  /** Milliseconds of audio appended so far in the session (whole windows). */
  get audioMs(): number {
    return this.windows * VAD_WINDOW_MS + Math.floor(this.filled / bytesPerMsOf(this.encoding));
  }

  /** Whether the detector is inside a caller turn. */
  get inSpeech(): boolean {
    return this.speaking;
  }

  /** New settings (a `session.update`); audio format changes apply from the next window. */
  configure(encoding: AudioEncoding, settings: VadSettings): void {
    this.settings = settings;
    if (encoding !== this.encoding) {
      this.encoding = encoding;
      this.windowBytes = VAD_WINDOW_MS * bytesPerMsOf(encoding);
      this.energy = 0;
      this.filled = 0;
      this.lowByte = -1;
    }
  }

  /** Forget the current turn (`input_audio_buffer.clear` or a commit); audio time keeps running. */
  reset(): void {
    this.speaking = false;
    this.voicedMs = 0;
    this.silentMs = 0;
    this.floorMs = this.audioMs;
  }

  /** Feeds appended audio; calls the listener as turns start and stop. Allocates nothing. */
  write(bytes: Uint8Array): void {
    if (bytesPerSampleOf(this.encoding) === 2) return this.writePcm16(bytes);
    const table = this.encoding === 'audio/pcma' ? ALAW_SQUARED : MULAW_SQUARED;
    for (let i = 0; i < bytes.length; i++) {
      this.energy += table[bytes[i]!]!;
      if (++this.filled === this.windowBytes) this.closeWindow(this.windowBytes);
    }
  }

  private writePcm16(bytes: Uint8Array): void {
    let i = 0;
    if (this.lowByte >= 0 && bytes.length > 0) {
      this.addPcmSample(this.lowByte, bytes[0]!);
      this.lowByte = -1;
      i = 1;
    }
    for (; i + 1 < bytes.length; i += 2) this.addPcmSample(bytes[i]!, bytes[i + 1]!);
    if (i < bytes.length) this.lowByte = bytes[i]!;
  }

  private addPcmSample(low: number, high: number): void {
    const value = ((high << 24) >> 16) | low;
    this.energy += value * value;
    this.filled += 2;
    if (this.filled === this.windowBytes) this.closeWindow(this.windowBytes / 2);
  }

  private closeWindow(samples: number): void {
    const level = Math.sqrt(this.energy / samples) / PCM16_FULL_SCALE;
    this.energy = 0;
    this.filled = 0;
    this.windows++;
    const endMs = this.windows * VAD_WINDOW_MS;
    const voiced = level >= this.settings.threshold * VAD_LEVEL_PER_THRESHOLD;
    if (!this.speaking) {
      if (!voiced) {
        this.voicedMs = 0;
        return;
      }
      if (this.voicedMs === 0) this.voicedStartMs = endMs - VAD_WINDOW_MS;
      this.voicedMs += VAD_WINDOW_MS;
      if (this.voicedMs < VAD_MIN_SPEECH_MS) return;
      this.speaking = true;
      this.silentMs = 0;
      this.listener.speechStarted(Math.max(this.floorMs, this.voicedStartMs - this.settings.prefixPaddingMs));
      return;
    }
    if (voiced) {
      this.silentMs = 0;
      return;
    }
    this.silentMs += VAD_WINDOW_MS;
    if (this.silentMs < this.settings.silenceDurationMs) return;
    this.speaking = false;
    this.voicedMs = 0;
    this.silentMs = 0;
    // The API's audio_end_ms includes the silence that ended the turn.
    this.listener.speechStopped(endMs);
  }
}
