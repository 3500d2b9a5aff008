/**
 * Runs the interpreter's `tool.run` effects through the connector host, one
 * promise per run, and hands every outcome back as a `tool.result` — data,
 * never an exception (STYLE §11). The interpreter has already checked that the
 * tool belongs to the stage and validated the model's arguments; what is left
 * here is the machinery:
 *
 * - a deadline: the run fails with `CONNECTOR_TIMEOUT` at its `timeoutMs`
 *   whether or not the connector honours its AbortSignal;
 * - cancellation: when the call ends, runs still going are aborted
 *   (`CONNECTOR_CANCELLED`), except `onEnd` runs, which exist to run after it;
 * - the filler: a run still going after `fillerAfterMs` asks the call to say
 *   its filler line, so the caller hears no dead air;
 * - the record: tool name, connector operation, arguments, full result or
 *   error, latency and status. (What the model sees is the interpreter's
 *   `tool.output`, redacted with the connector's PII fields and `expose`.)
 */
import type { ConnectorCall } from '../connectors/define-connector.js';
import type { InvokeOptions, InvokeResult } from '../connectors/connector-host.js';
import type { Effect, InterpreterEvent } from '../interpreter/call-types.js';

/** A `tool.run` effect. */
export type ToolRun = Extract<Effect, { type: 'tool.run' }>;

/** What the dispatcher needs of the connector host. */
export interface ToolInvoker {
  invoke(use: string, input: unknown, options?: InvokeOptions): Promise<InvokeResult>;
}

/** A finished run, as recorded. */
export interface ToolRunRecord {
  run: ToolRun;
  outcome: InvokeResult;
  status: 'ok' | 'error' | 'timeout';
}

/** What a dispatcher needs: the host, the call, and where results and slow runs go. */
export interface ToolDispatcherOptions {
  host: ToolInvoker;
  /** The call as connectors see it. */
  call: ConnectorCall;
  /** The result, for the interpreter (after the call ended, only `onEnd` results still arrive). */
  onResult(event: Extract<InterpreterEvent, { type: 'tool.result' }>, record: ToolRunRecord): void;
  /** A run is slow: say its filler now, if nothing else is being said. */
  onSlow(run: ToolRun, filler: string): void;
}

/** Origins whose runs may speak a filler: the caller is waiting on the agent in those. */
const FILLER_ORIGINS: ReadonlySet<ToolRun['origin']> = new Set(['model', 'onEnter']);

/** Runs tools for one call. */
export class ToolDispatcher {
  private readonly callAbort = new AbortController();
  private readonly running = new Map<string, () => void>();

  constructor(private readonly options: ToolDispatcherOptions) {}

  /** Runs still going. */
  get active(): number {
    return this.running.size;
  }

  /** Starts a run; its result arrives through `onResult`. Never throws. */
  run(run: ToolRun): void {
    const controller = new AbortController();
    const abortRun = () => controller.abort();
    // `onEnd` runs belong to the end of the call; everything else stops with it.
    if (run.origin !== 'onEnd') {
      if (this.callAbort.signal.aborted) controller.abort();
      else this.callAbort.signal.addEventListener('abort', abortRun, { once: true });
    }
    const started = performance.now();
    let settled = false;

    const finish = (outcome: InvokeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (filler) clearTimeout(filler);
      this.running.delete(run.callId);
      this.callAbort.signal.removeEventListener('abort', abortRun);
      const status = outcome.ok ? 'ok' : outcome.error.code === 'CONNECTOR_TIMEOUT' ? 'timeout' : 'error';
      const event: Extract<InterpreterEvent, { type: 'tool.result' }> = outcome.ok
        ? { type: 'tool.result', callId: run.callId, ok: true, result: outcome.result }
        : { type: 'tool.result', callId: run.callId, ok: false, error: outcome.error };
      this.options.onResult(event, { run, outcome, status });
    };

    // The deadline is the dispatcher's own: a connector that ignores its signal cannot hold the call.
    const deadline = setTimeout(() => {
      controller.abort();
      finish({ ok: false, error: { code: 'CONNECTOR_TIMEOUT', message: `${run.use} did not finish within ${run.timeoutMs} ms` }, latencyMs: Math.round(performance.now() - started) });
    }, run.timeoutMs);
    const filler =
      run.filler && FILLER_ORIGINS.has(run.origin) && run.fillerAfterMs < run.timeoutMs
        ? setTimeout(() => {
            if (!settled) this.options.onSlow(run, run.filler!);
          }, run.fillerAfterMs)
        : undefined;
    this.running.set(run.callId, abortRun);

    this.options.host
      .invoke(run.use, run.args, { call: this.options.call, signal: controller.signal, timeoutMs: run.timeoutMs })
      .then(finish, (error: unknown) => {
        // The host never throws; if it ever did, the call still gets a result.
        finish({ ok: false, error: { code: 'CONNECTOR_FAILED', message: error instanceof Error ? error.message : String(error) }, latencyMs: Math.round(performance.now() - started) });
      });
  }

  /** The call ended: abort every run but `onEnd` ones. */
  abortAll(): void {
    this.callAbort.abort();
  }
}
