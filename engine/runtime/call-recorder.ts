/**
 * The call record, appended as the call happens (DESIGN §3, durability):
 * transcript lines of both sides, transitions, tool runs, violations, model
 * connection events, the outcome. Writes go to the calls repository, which
 * numbers and stores them in order; the recorder never blocks the call on
 * them (audio keeps flowing while SQLite or MongoDB writes), keeps the
 * pending ones for `flush()`, and is never called per audio frame.
 */
import type { CallEventDataByKind, CallEventInput } from '../store/call-event.js';
import type { CallPatch, CallRepository } from '../store/call-repository.js';
import type { CallLog } from './call-log.js';

/** Records one call. */
export class CallRecorder {
  /** Writes that failed (the call goes on; the log says so). */
  failedWrites = 0;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly calls: CallRepository,
    readonly callId: string,
    private readonly log: CallLog,
  ) {}

  transcript(data: CallEventDataByKind['transcript']): void {
    if (data.text.trim() === '') return;
    this.append({ kind: 'transcript', data });
  }

  transition(data: CallEventDataByKind['transition'], at: string): void {
    this.append({ kind: 'transition', data, at });
  }

  tool(data: CallEventDataByKind['tool']): void {
    this.append({ kind: 'tool', data });
  }

  violation(data: CallEventDataByKind['violation']): void {
    this.append({ kind: 'violation', data });
  }

  model(data: CallEventDataByKind['model']): void {
    this.append({ kind: 'model', data });
  }

  outcome(data: CallEventDataByKind['outcome']): void {
    this.append({ kind: 'outcome', data });
  }

  note(text: string, fields: Record<string, unknown> = {}): void {
    this.append({ kind: 'note', data: { text, ...fields } });
  }

  /** Updates the call document (status, outcome, end reason, transfer target). */
  update(patch: CallPatch): void {
    this.track(this.calls.update(this.callId, patch));
  }

  /** Resolves once every write made so far has been stored (or has failed). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private append(event: CallEventInput): void {
    this.track(this.calls.appendEvent(this.callId, event));
  }

  private track(write: Promise<unknown>): void {
    const tracked = write.then(
      () => undefined,
      (error: unknown) => {
        this.failedWrites++;
        this.log.error('call.error', { callId: this.callId, code: (error as { code?: string }).code ?? 'STORE_WRITE_FAILED', reason: 'a call record write failed' });
      },
    );
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }
}
