/**
 * One live call. The CallSession owns the call (DESIGN §1): the interpreter
 * that runs its flow, the model leg (ModelSession), the phone leg (a
 * PhoneLeg: Twilio Media Streams today), the tool runs, the timers and the
 * record. Per-call state lives on this one object.
 *
 * The interpreter decides; the CallSession carries its effects out, strictly
 * in order, through one queue (`pump`). A step that must wait for the model or
 * the caller returns a promise and the queue resumes when it settles; every
 * other step runs at once, so a stage's `session.update` reaches the wire in
 * the same tick as the event that caused the transition. Bookkeeping effects
 * (`transition` records, `violation`s, `error`s, `timer.start`/`cancel`) touch
 * neither socket and are carried out as soon as they are issued — right after
 * the wire steps of the same batch — so a record is never held behind a wait
 * and a store write never delays the wire. The rules (DESIGN §3, docs/runtime.md):
 *
 * - `session.update`: send exactly one (the model leg waits for its
 *   `session.updated`); apply the stage's history strategy.
 * - `respond`: wait until the stage's `session.update` is acknowledged, the
 *   caller is not mid-sentence, and no response is in flight (the active
 *   one's `response.done`); then one `response.create`. So the model never
 *   answers with the previous stage's instructions.
 * - `tool.output` (`function_call_output`) goes out in queue order, hence
 *   before the `respond` that follows it.
 * - `tool.run` starts at once (ToolDispatcher); its result is fed back.
 * - `transfer` / `hangup` wait for the response in flight and its audio to
 *   play, then act through Twilio REST.
 *
 * Caller turns: Parley sets `create_response: false` and asks for the answer
 * itself when the caller's turn is committed (`caller.respond`), only in talk
 * stages, never while a tool batch is unsettled. When the stage routes on the
 * caller's words (keywords, pattern, a turn budget), the answer waits for the
 * turn's transcript (bounded), so a keyword can change the stage before the
 * model says a word in the old one. A turn typed as text (`callerText`: the
 * editor's simulator, `parley chat` with a key) is a committed turn whose
 * transcript is already known: sent as a user message, then routed and
 * answered at once.
 *
 * Barge-in: on `speech_started` while agent audio is playing: Twilio `clear`,
 * `conversation.item.truncate` at what the marks say was played, cancel the
 * response if it is still active (its late audio is dropped by the model
 * leg). Tool runs, pending results and transitions are untouched.
 */
import type { ConnectorCall } from '../connectors/define-connector.js';
import type { CompiledFlow } from '../flow/compiled-flow.js';
import type { CallInfo, Effect, InterpreterEvent } from '../interpreter/call-types.js';
import type { CallInterpreter } from '../interpreter/create-call-interpreter.js';
import { ParleyError } from '../errors/parley-error.js';
import type { Metrics } from '../observability/metrics.js';
import type { ResponseOptions, SessionSettings } from '../realtime/client-event-builders.js';
import { ModelSession, type ModelProblem, type ModelResponse, type ModelSessionHandlers, type TrackedItem } from '../realtime/model-session.js';
import type { CallStatus } from '../store/call-repository.js';
import type { PhoneLeg, PhoneLegEvents } from '../telephony/twilio-media-stream.js';
import type { TurnDetection } from '../types/flow.generated.js';
import { createStateSignal, type StateSignal } from '../util/state-signal.js';
import type { CallLog } from './call-log.js';
import type { CallRecorder } from './call-recorder.js';
import type { CallStateStore } from './call-state-store.js';
import { DEFAULT_RUNTIME_LIMITS, type RuntimeLimits } from './runtime-limits.js';
import { wallClockTimers, type TimerHandle, type TimerScheduler } from './timer-scheduler.js';
import { ToolDispatcher, type ToolInvoker, type ToolRunRecord } from './tool-dispatcher.js';

/** Why a call ended, as the interpreter takes it. */
export type CallEndReason = Extract<InterpreterEvent, { type: 'call.ended' }>['reason'];

/** Everything a call needs; assembled by the CallManager. */
export interface CallSessionOptions {
  info: CallInfo;
  flow: { id: string; version: number };
  compiled: CompiledFlow;
  interpreter: CallInterpreter;
  phone: PhoneLeg;
  /** The model endpoint (`OPENAI_REALTIME_URL`) and key. */
  model: { url: string; apiKey: string | undefined };
  tools: ToolInvoker;
  /** The call as connectors see it. */
  connectorCall: ConnectorCall;
  recorder: CallRecorder;
  states: CallStateStore;
  metrics: Metrics;
  log: CallLog;
  /** Said first instead of the first stage's guidance-led greeting (a number route's greeting). */
  greeting?: string;
  limits?: Partial<RuntimeLimits>;
  /** Where the flow's timers run. Default: the wall clock (flow tests pass their call clock). */
  timers?: TimerScheduler;
}

/** A step of the queue: the interpreter's effects, plus the runtime's own answers to caller turns and retries. */
type Step =
  | Effect
  | { type: 'caller.respond'; generation: number }
  | { type: 'runtime.respond'; purpose: string; options: ResponseOptions; retried: boolean };

type SessionUpdateEffect = Extract<Effect, { type: 'session.update' }>;
type RespondEffect = Extract<Effect, { type: 'respond' }>;

/** Transcription model when the flow names none. */
const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';
/** Messages kept in a `summarize` history note, and its length. */
const SUMMARY_LINES = 12;
const SUMMARY_LINE_CHARS = 200;
/** Effects that are bookkeeping (the record, timers): carried out as soon as they are issued. */
const BOOKKEEPING: ReadonlySet<string> = new Set(['transition', 'violation', 'error', 'timer.start', 'timer.cancel']);
/** Purposes whose failed or lost response is asked for once more. */
const RETRIED_PURPOSES: ReadonlySet<string> = new Set(['stage', 'tools', 'reprompt', 'turn']);

/** Instructions that make the model say one line verbatim. */
function sayInstructions(line: string): string {
  return `Say exactly this to the caller, word for word, and nothing else:\n${line}`;
}

/** The part of `text` heard when `playedMs` of `totalMs` of its audio played, cut at a word. */
export function heardPart(text: string, playedMs: number, totalMs: number): string {
  if (totalMs <= 0 || playedMs >= totalMs) return text;
  const cut = Math.floor((text.length * Math.max(0, playedMs)) / totalMs);
  const space = text.lastIndexOf(' ', cut);
  const heard = text.slice(0, space > 0 ? space : cut).trimEnd();
  return heard ? `${heard}…` : '';
}

interface AgentLine {
  itemId: string;
  text: string;
}

interface PendingTurn {
  purpose: string;
  stage: string | null;
  lines: AgentLine[];
}

/** One live call. */
export class CallSession implements PhoneLegEvents, ModelSessionHandlers {
  readonly id: string;
  readonly signal: StateSignal = createStateSignal();
  readonly model: ModelSession;
  /** Resolves once the call is over and its record is written. */
  readonly done: Promise<void>;
  status: 'created' | 'live' | 'ending' | 'ended' = 'created';
  /** The stage the model was last told about. */
  stage: string | null = null;
  /** Caller turns committed and keypad digits received so far: a flow test waits on these to know the call heard its caller. */
  readonly heard = { turns: 0, digits: 0 };

  private readonly options: CallSessionOptions;
  private readonly interpreter: CallInterpreter;
  private readonly phone: PhoneLeg;
  private readonly recorder: CallRecorder;
  private readonly log: CallLog;
  private readonly limits: RuntimeLimits;
  private readonly dispatcher: ToolDispatcher;
  private readonly interruptible: boolean;
  private readonly turnDetection: TurnDetection;

  // The effect queue.
  private readonly queue: Step[] = [];
  private pumping = false;
  private readonly superseded = new WeakSet<Step>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly scheduler: TimerScheduler;

  // Caller turns.
  private turnGeneration = 0;
  private answeredGeneration = 0;
  private readonly openTurns = new Map<string, number>();
  private heldTurn: { itemId: string; generation: number; timer: NodeJS.Timeout } | undefined;
  private callerSpeaking = false;
  private readonly wordRouting = new Map<string, boolean>();

  // Agent audio and what was heard of it.
  private lastAudioItem: string | undefined;
  private lastAudioResponse: ModelResponse | undefined;
  private readonly pendingTurns = new Map<string, PendingTurn>();
  private interrupted: { responseId: string; itemId: string; playedMs: number; sentMs: number } | undefined;

  // The model.
  private modelFailed = false;
  private spokenFallback: string | undefined;
  private lastSettings: SessionSettings | undefined;
  private readonly requests = new Map<string, { purpose: string; options: ResponseOptions; retried: boolean }>();
  private greeted = false;
  /** Stages applied so far (session.update steps carried out). */
  private stageEntries = 0;

  // The end.
  private endReason = '';
  private finalStatus: CallStatus = 'ended';
  private endTimer: NodeJS.Timeout | undefined;
  private snapshotChain: Promise<void> = Promise.resolve();
  private resolveDone!: () => void;

  constructor(options: CallSessionOptions) {
    this.options = options;
    this.id = options.info.id;
    this.interpreter = options.interpreter;
    this.phone = options.phone;
    this.recorder = options.recorder;
    this.log = options.log;
    this.limits = { ...DEFAULT_RUNTIME_LIMITS, ...options.limits };
    this.scheduler = options.timers ?? wallClockTimers;
    const agent = options.compiled.flow.agent;
    this.turnDetection = agent.turnDetection ?? { type: 'server_vad' };
    this.interruptible = this.turnDetection.interruptible ?? true;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.model = new ModelSession({
      url: options.model.url,
      model: options.compiled.agent.model,
      apiKey: options.model.apiKey ?? '',
      handlers: this,
      signal: this.signal,
      sessionAckTimeoutMs: this.limits.sessionAckTimeoutMs,
      reconnectBudgetMs: this.limits.reconnectBudgetMs,
    });
    this.dispatcher = new ToolDispatcher({
      host: options.tools,
      call: options.connectorCall,
      onResult: (event, record) => this.onToolResult(event, record),
      onSlow: (_run, filler) => this.sayFiller(filler),
    });
  }

  /**
   * Whether the call is waiting on the caller (or a timer): nothing queued, no
   * response asked for, no stage update unanswered, no agent audio still to
   * play, no tool running, no caller turn being answered. Never read by the call
   * itself; flow tests and the editor's simulator wait for it between turns.
   */
  get idle(): boolean {
    return (
      this.status === 'live' &&
      !this.pumping &&
      this.queue.length === 0 &&
      !this.callerSpeaking &&
      this.heldTurn === undefined &&
      this.openTurns.size === 0 &&
      this.pendingTurns.size === 0 &&
      !this.phone.playing &&
      !this.model.responseInFlight &&
      !this.model.updatePending &&
      this.interpreter.pendingToolRuns.length === 0
    );
  }

  /** The flow's state as the interpreter holds it (read-only): for flow tests and the editor's simulator. */
  get flowState(): Pick<CallInterpreter, 'status' | 'stage' | 'context' | 'visited'> {
    const { status, stage, context, visited } = this.interpreter;
    return { status, stage, context, visited };
  }

  /** The settings the model was last sent: the stage's rendered instructions and its tools. For `parley chat` and the editor's simulator. */
  get modelSettings(): Readonly<SessionSettings> | undefined {
    return this.lastSettings;
  }

  /** Resolves once every record write made so far is stored. */
  flushRecord(): Promise<void> {
    return this.recorder.flush();
  }

  /** Starts the call: the model connects while `onStart` runs; the first stage follows. */
  start(): void {
    if (this.status !== 'created') return;
    this.status = 'live';
    this.options.metrics.activeCalls.inc();
    this.log.info('call.started', { callId: this.id, flowId: this.options.flow.id, flowVersion: this.options.flow.version, direction: this.options.info.direction });
    try {
      this.enqueue(this.interpreter.start());
    } catch (error) {
      this.unexpected('start', error);
      this.finish('failed');
      return;
    }
    // The model connects while `onStart` runs; the first stage's session.update waits for it.
    void this.model.connect();
  }

  /** Ends the call from outside (server shutdown): hangs up and records it as `status`. */
  shutDown(reason: string, status: CallStatus = 'interrupted'): void {
    if (this.status !== 'live') return;
    this.finalStatus = status;
    void this.phone.hangUp().catch(() => undefined);
    this.finish('failed', reason);
  }

  // The effect queue: in order, one at a time; a step that waits holds the ones after it.

  private enqueue(steps: readonly Step[]): void {
    if (steps.length === 0) return;
    const bookkeeping: Step[] = [];
    for (const step of steps) (BOOKKEEPING.has(step.type) ? bookkeeping : this.queue).push(step);
    // The wire first (a stage's session.update leaves in this tick), then the record and the timers,
    // which touch neither socket and are never held behind a wait: a store write costs the wire nothing.
    this.pump();
    for (const step of bookkeeping) {
      try {
        void this.carryOut(step);
      } catch (error) {
        this.unexpected(step.type, error);
      }
    }
    if (bookkeeping.some((step) => step.type === 'transition')) this.persistSnapshot();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (this.queue.length > 0) {
      const step = this.queue.shift()!;
      let waiting: Promise<void> | void;
      try {
        waiting = this.superseded.has(step) ? undefined : this.carryOut(step);
      } catch (error) {
        this.unexpected(step.type, error);
        continue;
      }
      if (waiting) {
        void waiting
          .catch((error: unknown) => this.unexpected(step.type, error))
          .finally(() => {
            this.pumping = false;
            this.pump();
          });
        return;
      }
    }
    this.pumping = false;
  }

  private carryOut(step: Step): Promise<void> | void {
    switch (step.type) {
      case 'session.update':
        return this.applyStage(step);
      case 'respond':
        return this.respond(step);
      case 'caller.respond':
        return this.answerTurn(step.generation);
      case 'runtime.respond':
        return this.respondWith(step.purpose, step.options, step.retried);
      case 'tool.run':
        return this.dispatcher.run(step);
      case 'tool.output':
        return this.sendToolOutput(step.callId, step.output);
      case 'violation':
        return this.recordViolation(step);
      case 'timer.start':
        return this.startTimer(step.key, step.ms);
      case 'timer.cancel':
        return this.cancelTimer(step.key);
      case 'transition':
        return this.recordTransition(step);
      case 'transfer':
        return this.transfer(step);
      case 'hangup':
        return this.hangUp();
      case 'ended':
        return this.finalize(step);
      default:
        return this.recordFlowError(step as { type: string; code?: string; message?: string });
    }
  }

  /** Feeds the interpreter and queues its effects; null when it threw (recorded). */
  private feed(event: InterpreterEvent): Effect[] | null {
    if (this.interpreter.status === 'ended') return [];
    let effects: Effect[];
    try {
      effects = this.interpreter.send(event);
    } catch (error) {
      this.unexpected(`interpreter ${event.type}`, error);
      return null;
    }
    this.enqueue(effects);
    return effects;
  }

  private get closing(): boolean {
    return this.status !== 'live';
  }

  // Steps

  /** Stage entry, steps 3 and 4: one `session.update`, then the history strategy. */
  private applyStage(effect: SessionUpdateEffect): Promise<void> | void {
    if (this.closing || this.modelFailed) return;
    if (!this.model.settled) {
      return this.signal.until(() => this.model.settled, this.limits.modelReadyWaitMs).then(() => {
        if (!this.superseded.has(effect)) return this.applyStage(effect);
      });
    }
    const settings = this.settingsFor(effect);
    if (!this.model.updateSession(settings)) {
      this.recorder.note('the stage could not be sent to the model: no connection', { stage: effect.stage });
      return;
    }
    this.lastSettings = settings;
    this.stage = effect.stage;
    this.stageEntries++;
    this.applyHistory(effect.history);
  }

  private respond(effect: RespondEffect): Promise<void> | void {
    if (this.closing) return;
    let say = effect.say;
    // A number route's greeting opens the call: the first stage's first words, unless it has a `say` of its own.
    if (effect.reason === 'stage' && this.stageEntries === 1 && !this.greeted) {
      this.greeted = true;
      if (!say && this.options.greeting) say = this.options.greeting;
    }
    if (this.modelFailed) {
      // No model to speak: a transfer or hang-up that follows says the line through TwiML instead.
      if (say) this.spokenFallback = say;
      return;
    }
    const options: ResponseOptions = say
      ? { instructions: sayInstructions(say), toolChoice: 'none' }
      : effect.reason === 'reprompt' && this.lastSettings
        ? { instructions: `${this.lastSettings.instructions}\n\nThe caller has said nothing for a while. Kindly check that they are still there, then repeat your last question in a few words.` }
        : {};
    return this.respondWith(effect.reason, options);
  }

  /** Sends one `response.create` once the stage is applied, the caller is quiet and no response is in flight. */
  private respondWith(purpose: string, options: ResponseOptions, retried = false): Promise<void> | void {
    if (this.closing || this.modelFailed) return;
    if (this.readyToRespond()) return this.createResponse(purpose, options, retried);
    return this.untilReadyToRespond().then(() => {
      if (this.closing || this.modelFailed) return;
      if (this.readyToRespond()) return this.createResponse(purpose, options, retried);
      this.recorder.note('a response was not asked for: the model was not ready in time', { purpose });
    });
  }

  private readyToRespond(): boolean {
    return this.model.sessionApplied && !this.model.responseInFlight && !this.callerSpeaking;
  }

  private async untilReadyToRespond(): Promise<void> {
    const { signal, model } = this;
    // The latest stage's session.update answered (acknowledged or refused: a refused one asks for nothing).
    await signal.until(() => model.settled && (model.state !== 'open' || !model.updatePending), this.limits.modelReadyWaitMs);
    await signal.until(() => !this.callerSpeaking, this.limits.callerSpeakingWaitMs);
    const outcome = await signal.until(() => !model.responseInFlight, this.limits.responseWaitMs);
    if (outcome === 'timeout') {
      // Watchdog: a response that never finishes must not hold the call.
      for (const response of model.activeResponses) model.cancelResponse(response);
      this.recorder.note('watchdog: a response did not finish in time and was cancelled', { waitedMs: this.limits.responseWaitMs });
      this.log.warn('call.error', { callId: this.id, code: 'RUNTIME_UNEXPECTED', reason: 'response watchdog' });
      await signal.until(() => !model.responseInFlight, this.limits.sessionAckTimeoutMs);
    }
  }

  private createResponse(purpose: string, options: ResponseOptions, retried = false): void {
    const ref = this.model.createResponse(purpose, options);
    if (ref === undefined) return;
    this.requests.set(ref, { purpose, options, retried });
    // Whatever the caller said so far is answered by this response.
    if (options.outOfBand !== true) this.answeredGeneration = this.turnGeneration;
  }

  /** The runtime's own answer to a committed caller turn. */
  private answerTurn(generation: number): Promise<void> | void {
    if (!this.shouldAnswer(generation)) return;
    if (this.readyToRespond()) return this.createResponse('turn', {});
    return this.untilReadyToRespond().then(() => {
      if (this.shouldAnswer(generation) && this.readyToRespond()) this.createResponse('turn', {});
    });
  }

  private shouldAnswer(generation: number): boolean {
    if (this.closing || this.modelFailed || generation <= this.answeredGeneration) return false;
    if (this.interpreter.status !== 'running') return false;
    const stage = this.interpreter.stage;
    if (!stage || this.options.compiled.stages.get(stage)?.kind !== 'talk') return false;
    // A tool batch still settling (its own response follows), or a stage entry still running its tools.
    return !this.interpreter.pendingToolRuns.some((run) => run.origin === 'model' || run.origin === 'onEnter');
  }

  private sendToolOutput(callId: string, output: unknown): Promise<void> | void {
    if (this.closing || this.modelFailed) return;
    if (this.model.state === 'open') return this.model.sendToolOutput(callId, output);
    return this.signal.until(() => this.model.settled, this.limits.modelReadyWaitMs).then(() => {
      if (this.model.state === 'open') this.model.sendToolOutput(callId, output);
    });
  }

  private recordViolation(effect: Extract<Effect, { type: 'violation' }>): void {
    this.recorder.violation({ name: effect.name, code: effect.code, message: effect.message, callId: effect.callId });
    this.log.warn('call.violation', { callId: this.id, stage: this.interpreter.stage, tool: effect.name, code: effect.code });
  }

  private recordFlowError(effect: { type: string; code?: string; message?: string }): void {
    this.recorder.note(`flow error: ${effect.message ?? effect.type}`, { code: effect.code ?? 'RUNTIME_UNEXPECTED' });
    this.log.warn('call.error', { callId: this.id, code: effect.code ?? 'RUNTIME_UNEXPECTED', stage: this.interpreter.stage });
  }

  private startTimer(key: string, ms: number): void {
    this.cancelTimer(key);
    if (this.closing) return;
    this.timers.set(
      key,
      this.scheduler.set(() => {
        this.timers.delete(key);
        if (!this.closing) this.feed({ type: 'timer', key });
      }, ms),
    );
  }

  private cancelTimer(key: string): void {
    if (!this.timers.has(key)) return;
    this.scheduler.clear(this.timers.get(key));
    this.timers.delete(key);
  }

  private recordTransition(effect: Extract<Effect, { type: 'transition' }>): void {
    this.recorder.transition({ from: effect.from, to: effect.to, trigger: effect.trigger, contextDiff: effect.contextDiff, ...(effect.pointer ? { pointer: effect.pointer } : {}) }, effect.at);
    this.options.metrics.transitions.labels(this.options.flow.id).inc();
    this.log.info('call.transition', { callId: this.id, fromStage: effect.from, toStage: effect.to, trigger: effect.trigger.kind });
  }

  private persistSnapshot(): void {
    let snapshot;
    try {
      snapshot = this.interpreter.snapshot();
    } catch (error) {
      this.unexpected('snapshot', error);
      return;
    }
    const stage = this.interpreter.stage;
    this.snapshotChain = this.snapshotChain
      .then(() => this.options.states.saveSnapshot(this.id, snapshot, stage))
      .catch((error: unknown) => this.unexpected('snapshot write', error));
  }

  private async afterPlayback(): Promise<void> {
    await this.signal.until(() => !this.model.responseInFlight || this.model.state !== 'open', this.limits.responseWaitMs);
    await this.signal.until(() => !this.phone.playing, this.phone.queuedMs() + this.limits.playbackGraceMs);
  }

  private async transfer(effect: Extract<Effect, { type: 'transfer' }>): Promise<void> {
    if (this.closing) return;
    await this.afterPlayback();
    if (this.closing) return;
    try {
      await this.phone.transfer(effect.to, { ...(effect.callerId ? { callerId: effect.callerId } : {}), ...(this.spokenFallback ? { say: this.spokenFallback } : {}) });
      this.recorder.update({ transferTo: effect.to });
      this.finish('transferred');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'TWILIO_REQUEST_FAILED';
      this.recorder.note(`the transfer failed: ${(error as Error).message}`, { code });
      this.log.error('call.error', { callId: this.id, code, reason: 'transfer failed' });
      await this.phone.hangUp().catch(() => undefined);
      this.finish('failed', 'transfer-failed');
    }
  }

  private async hangUp(): Promise<void> {
    if (this.closing) return;
    await this.afterPlayback();
    if (this.closing) return;
    try {
      await this.phone.hangUp(this.spokenFallback ? { say: this.spokenFallback } : {});
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'TWILIO_REQUEST_FAILED';
      this.recorder.note(`hanging up through Twilio failed; the stream was closed instead: ${(error as Error).message}`, { code });
    }
    this.finish('agent-hangup');
  }

  // Tools

  private onToolResult(event: Extract<InterpreterEvent, { type: 'tool.result' }>, record: ToolRunRecord): void {
    const { run, outcome, status } = record;
    this.recorder.tool({
      name: run.tool,
      use: run.use,
      callId: run.callId,
      args: run.args,
      ...(outcome.ok ? { result: outcome.result } : { error: outcome.error }),
      latencyMs: outcome.latencyMs,
      status,
    });
    this.log.info('call.tool', { callId: this.id, tool: run.tool, use: run.use, status, code: outcome.ok ? undefined : outcome.error.code, latencyMs: outcome.latencyMs });
    this.feed(event);
  }

  /** A slow tool's filler line: an out-of-band response, only while nothing else is said or playing. */
  private sayFiller(filler: string): void {
    if (this.closing || this.modelFailed || !this.model.sessionApplied || this.model.responseInFlight || this.phone.playing || this.callerSpeaking) return;
    const ref = this.model.createResponse('filler', { outOfBand: true, instructions: sayInstructions(filler), toolChoice: 'none' });
    if (ref) this.requests.set(ref, { purpose: 'filler', options: {}, retried: true });
  }

  // The model leg

  onAgentAudio(response: ModelResponse, itemId: string, payload: string, ms: number): void {
    if (this.status !== 'live') return;
    this.phone.playAudio(itemId, payload, ms);
    if (this.lastAudioItem !== itemId) {
      this.lastAudioItem = itemId;
      this.lastAudioResponse = response;
    }
  }

  onResponseCreated(_response: ModelResponse): void {}

  onResponseDone(response: ModelResponse): void {
    const request = response.ref ? this.requests.get(response.ref) : undefined;
    if (response.ref) this.requests.delete(response.ref);
    if (this.closing) return;
    if (response.status === 'cancelled') {
      this.recordInterruptedLine(response);
    } else {
      if (response.status === 'failed' || response.status === 'lost') this.onResponseFailed(response, request);
      if (response.audioMs > 0) {
        // Its audio is at the caller: the turn ends once the mark after it echoes.
        this.pendingTurns.set(response.id, { purpose: response.purpose, stage: this.stage, lines: this.linesOf(response) });
        this.phone.endTurn(response.id);
      }
    }
    if (!response.outOfBand && response.calls.length > 0) this.feed({ type: 'model.calls', calls: response.calls });
  }

  private onResponseFailed(response: ModelResponse, request: { purpose: string; options: ResponseOptions; retried: boolean } | undefined): void {
    if (response.status === 'failed') {
      const error = response.error;
      this.recorder.note(`the model's response failed: ${error?.message ?? 'no reason given'}`, { code: 'MODEL_ERROR', ...(error?.code ? { apiCode: error.code } : {}) });
    }
    // Asked for once more (after a reconnect: once the stage is back), so a stage that speaks first does not
    // stay silent: a response the connection took with it, or one that failed before saying anything.
    const unfinished = response.status === 'lost' || response.audioMs === 0;
    if (request && !request.retried && !response.outOfBand && RETRIED_PURPOSES.has(request.purpose) && unfinished) {
      this.enqueue([{ type: 'runtime.respond', purpose: request.purpose, options: request.options, retried: true }]);
    }
  }

  private linesOf(response: ModelResponse): AgentLine[] {
    const lines: AgentLine[] = [];
    for (const itemId of response.audioItems) {
      const text = response.transcripts.get(itemId) ?? this.model.textOf(itemId);
      if (text) lines.push({ itemId, text });
    }
    return lines;
  }

  onSpeechStarted(_itemId: string): void {
    if (this.closing) return;
    this.callerSpeaking = true;
    this.bargeIn();
    this.feed({ type: 'caller.speechStarted' });
  }

  /** The caller talks over the agent: stop the audio, cut the item at what was heard, cancel what is still being said. */
  private bargeIn(): void {
    if (!this.interruptible) return;
    const speaking: ModelResponse[] = [];
    for (const response of this.model.activeResponses) if (response.audioMs > 0 && !response.cancelled) speaking.push(response);
    // Nothing audible to interrupt: all sent audio has played (only the turn's end mark may still be on its way back).
    if (speaking.length === 0 && this.phone.queuedMs() < 1) return;
    const itemId = this.lastAudioItem;
    const response = this.lastAudioResponse;
    const playedMs = itemId ? this.phone.itemPlayedMs(itemId) : undefined;
    const sentMs = itemId ? this.phone.itemSentMs(itemId) : undefined;
    // Lines waiting for their audio to play: what of them was heard, before the clear forgets the positions.
    const heardLines: Array<{ turn: PendingTurn; line: AgentLine; played: number; sent: number }> = [];
    for (const turn of this.pendingTurns.values()) {
      for (const line of turn.lines) heardLines.push({ turn, line, played: this.phone.itemPlayedMs(line.itemId) ?? 0, sent: this.phone.itemSentMs(line.itemId) ?? 0 });
    }
    const dropped = this.phone.interrupt();
    for (const active of speaking) this.model.cancelResponse(active);
    if (itemId && response && !response.outOfBand && playedMs !== undefined && sentMs !== undefined && playedMs < sentMs) {
      this.model.truncateItem(itemId, playedMs);
    }
    if (itemId && response && playedMs !== undefined && sentMs !== undefined) this.interrupted = { responseId: response.id, itemId, playedMs, sentMs };
    for (const responseId of dropped) {
      const turn = this.pendingTurns.get(responseId);
      this.pendingTurns.delete(responseId);
      if (!turn) continue;
      for (const { line, played, sent } of heardLines.filter((entry) => entry.turn === turn)) this.recordAgentLine(turn.stage, line.itemId, heardPart(line.text, played, sent));
    }
    this.recorder.note('barge-in: the caller spoke over the agent', { playedMs: playedMs === undefined ? null : Math.round(playedMs), itemId: itemId ?? null });
    this.log.info('call.barge-in', { callId: this.id, stage: this.stage, playedMs: playedMs === undefined ? undefined : Math.round(playedMs) });
  }

  /** A cancelled response: record the part of the interrupted item that was heard. */
  private recordInterruptedLine(response: ModelResponse): void {
    const interrupted = this.interrupted;
    if (!interrupted || interrupted.responseId !== response.id) return;
    this.interrupted = undefined;
    const text = response.transcripts.get(interrupted.itemId) ?? this.model.textOf(interrupted.itemId);
    if (!text) return;
    this.recordAgentLine(this.stage, interrupted.itemId, heardPart(text, interrupted.playedMs, Math.max(interrupted.sentMs, 1)));
  }

  private recordAgentLine(stage: string | null, itemId: string, text: string): void {
    if (!text) return;
    this.model.rememberText(itemId, text);
    this.recorder.transcript({ role: 'agent', text, itemId, ...(stage ? { stage } : {}) });
  }

  onTurnCommitted(itemId: string): void {
    this.callerSpeaking = false;
    this.signal.notify();
    if (this.closing) return;
    const generation = ++this.turnGeneration;
    this.heard.turns++;
    this.openTurns.set(itemId, generation);
    const stage = this.interpreter.stage;
    if (stage && this.routesOnCallerWords(stage)) {
      // The transcript may change the stage: the answer waits for it (bounded).
      if (this.heldTurn) clearTimeout(this.heldTurn.timer);
      this.heldTurn = { itemId, generation, timer: setTimeout(() => this.onCallerTranscript(itemId, null), this.limits.transcriptWaitMs) };
      return;
    }
    this.enqueue([{ type: 'caller.respond', generation }]);
  }

  onCallerTranscript(itemId: string, transcript: string | null): void {
    if (transcript) this.recorder.transcript({ role: 'caller', text: transcript, itemId, ...(this.stage ? { stage: this.stage } : {}) });
    const generation = this.openTurns.get(itemId);
    if (generation === undefined || this.closing) return;
    this.openTurns.delete(itemId);
    const held = this.heldTurn?.itemId === itemId;
    if (held) {
      clearTimeout(this.heldTurn!.timer);
      this.heldTurn = undefined;
    }
    const effects = this.feed({ type: 'caller.turn', ...(transcript ? { transcript } : {}) }) ?? [];
    const moved = effects.some((effect) => effect.type === 'session.update' || effect.type === 'transfer' || effect.type === 'hangup');
    if (held && !moved) this.enqueue([{ type: 'caller.respond', generation }]);
  }

  /**
   * A caller turn typed as text, not spoken (the editor's simulator, `parley
   * chat` with a key). The text goes to the model as a user message
   * (`conversation.item.create` of `input_text`), then the turn is handled as
   * a committed turn whose transcript is known: silence timers stop (the
   * caller "spoke"), it is recorded as the caller's, the interpreter routes on
   * it (keywords, pattern, `maxTurns`) and, unless that moved the call, the
   * runtime asks for the answer (`response.create`, purpose `turn`) — so a
   * keyword changes the stage before the model says a word in the old one.
   * It does not barge in: nothing was heard over the agent. Waits (bounded)
   * for a model connection being set up. Throws RUNTIME_CALL_NOT_LIVE when the
   * call is not live, RUNTIME_CALLER_TEXT_EMPTY for blank text.
   */
  async callerText(text: string): Promise<void> {
    const line = text.trim();
    if (!line) throw new ParleyError('RUNTIME_CALLER_TEXT_EMPTY', 'The caller\'s text is empty.');
    if (this.closing) throw new ParleyError('RUNTIME_CALL_NOT_LIVE', `Call ${this.id} is ${this.status}: it takes no more caller turns.`, { details: { callId: this.id, status: this.status } });
    if (!this.model.settled) await this.signal.until(() => this.model.settled, this.limits.modelReadyWaitMs);
    if (this.closing) throw new ParleyError('RUNTIME_CALL_NOT_LIVE', `Call ${this.id} ended before the caller's text could be sent.`, { details: { callId: this.id, status: this.status } });
    // Undefined when the model leg failed: the flow has taken `onError`; the turn still counts and routes.
    const itemId = this.model.addCallerText(line);
    if (itemId === undefined && !this.modelFailed) this.recorder.note('the caller\'s text could not be sent to the model: no connection', { ...(this.stage ? { stage: this.stage } : {}) });
    const generation = ++this.turnGeneration;
    this.heard.turns++;
    this.signal.notify();
    this.recorder.transcript({ role: 'caller', text: line, ...(itemId ? { itemId } : {}), ...(this.stage ? { stage: this.stage } : {}) });
    this.feed({ type: 'caller.speechStarted' });
    const effects = this.feed({ type: 'caller.turn', transcript: line }) ?? [];
    const moved = effects.some((effect) => effect.type === 'session.update' || effect.type === 'transfer' || effect.type === 'hangup');
    if (!moved) this.enqueue([{ type: 'caller.respond', generation }]);
  }

  private routesOnCallerWords(stageName: string): boolean {
    let routes = this.wordRouting.get(stageName);
    if (routes === undefined) {
      const stage = this.options.compiled.stages.get(stageName);
      routes = stage !== undefined && (stage.limits.maxTurns !== undefined || stage.reachable.some((t) => t.triggers.keywords !== undefined || t.triggers.pattern !== undefined));
      this.wordRouting.set(stageName, routes);
    }
    return routes;
  }

  onProblem(problem: ModelProblem): void {
    if (problem.minor || this.closing) return;
    this.recorder.note(`model: ${problem.message}`, {
      code: problem.code,
      ...(problem.type ? { type: problem.type } : {}),
      ...(problem.apiCode ? { apiCode: problem.apiCode } : {}),
      ...(problem.param ? { param: problem.param } : {}),
    });
    this.log.warn('call.model', { callId: this.id, code: problem.code, reason: problem.apiCode ?? problem.type });
    if (problem.code === 'MODEL_SESSION_UPDATE_REFUSED') {
      // The model holds the previous stage: it must not speak with it. The flow's onError takes over.
      this.feed({ type: 'model.failed', reason: `the model refused the stage's settings: ${problem.message}` });
    }
  }

  onConnection(event: 'connected' | 'reconnecting' | 'reconnected' | 'failed', detail: { reason?: string; attempt?: number; ms?: number }): void {
    if (this.closing) return;
    this.recorder.model({ event, ...(detail.reason ? { detail: detail.reason } : detail.ms !== undefined ? { detail: `restored in ${detail.ms} ms` } : {}), ...(detail.attempt ? { attempt: detail.attempt } : {}) });
    this.log.info('call.model', { callId: this.id, event, reason: detail.reason, attempt: detail.attempt, ms: detail.ms });
    if (event === 'reconnecting') this.options.metrics.modelReconnects.inc();
    if (event === 'failed') {
      this.modelFailed = true;
      const code = this.options.model.apiKey ? 'MODEL_CONNECTION_LOST' : 'MODEL_NOT_CONFIGURED';
      this.log.error('call.model', { callId: this.id, code, reason: detail.reason });
      this.feed({ type: 'model.failed', reason: `${code}: ${detail.reason ?? 'the model connection failed'}` });
    }
  }

  restore(): SessionSettings {
    let effects: Effect[] = [];
    try {
      effects = this.interpreter.reapplyStage();
    } catch (error) {
      this.unexpected('reapplyStage', error);
    }
    const update = effects.find((effect): effect is SessionUpdateEffect => effect.type === 'session.update');
    if (update) {
      // Queued updates for this stage would only repeat it on the new connection.
      for (const step of this.queue) if (step.type === 'session.update' && step.stage === update.stage) this.superseded.add(step);
      this.lastSettings = this.settingsFor(update);
      this.stage = update.stage;
    }
    return this.lastSettings ?? this.settingsFor({ type: 'session.update', stage: '', instructions: '', tools: [], voice: this.options.compiled.agent.voice, model: this.options.compiled.agent.model, history: 'keep' });
  }

  // The phone leg

  onCallerAudio(payload: string): void {
    if (this.status === 'live') this.model.appendAudio(payload);
  }

  onDtmf(digit: string): void {
    if (this.closing) return;
    this.heard.digits++;
    this.recorder.note('keys pressed', { digits: digit, ...(this.stage ? { stage: this.stage } : {}) });
    this.feed({ type: 'dtmf', digits: digit });
  }

  onTurnPlayed(responseId: string): void {
    const turn = this.pendingTurns.get(responseId);
    if (!turn) return;
    this.pendingTurns.delete(responseId);
    for (const line of turn.lines) this.recordAgentLine(turn.stage, line.itemId, line.text);
    if (turn.purpose !== 'filler' && !this.closing) this.feed({ type: 'agent.turnEnded' });
  }

  onStreamEnded(how: 'stop' | 'closed'): void {
    if (this.status !== 'live') return;
    this.recorder.note(how === 'stop' ? 'the caller hung up' : 'the phone stream closed without a stop message');
    this.finish('caller-hangup', how === 'stop' ? 'caller-hangup' : 'stream-closed');
  }

  onInvalidMessage(error: { code: string; message: string }, count: number): void {
    this.recorder.note(`a Twilio message was dropped: ${error.message}`, { code: error.code, count });
    if (count === 1) this.log.warn('call.invalid-messages', { callId: this.id, code: error.code });
  }

  // The end

  /** The call is over on the phone: stop everything live, then let the flow run `onEnd`. */
  private finish(reason: CallEndReason, endReason: string = reason): void {
    if (this.status !== 'live') return;
    this.status = 'ending';
    this.endReason = endReason;
    if (reason === 'failed' && this.finalStatus === 'ended') this.finalStatus = 'failed';
    if (this.heldTurn) clearTimeout(this.heldTurn.timer);
    for (const timer of this.timers.values()) this.scheduler.clear(timer);
    this.timers.clear();
    // What was still waiting to play: record what the caller heard of it.
    for (const [responseId, turn] of this.pendingTurns) {
      for (const line of turn.lines) this.recordAgentLine(turn.stage, line.itemId, heardPart(line.text, this.phone.itemPlayedMs(line.itemId) ?? 0, this.phone.itemSentMs(line.itemId) ?? 0));
      this.pendingTurns.delete(responseId);
    }
    if (this.phone.invalidMessages > 0) this.recorder.note('Twilio messages were dropped as invalid during the call', { code: 'TWILIO_MESSAGE_INVALID', count: this.phone.invalidMessages });
    this.model.close();
    this.dispatcher.abortAll();
    this.phone.close();
    this.signal.close();
    this.endTimer = setTimeout(() => this.finalize(undefined), this.limits.endGraceMs);
    // `onEnd` runs, then `ended` arrives through the queue with the outcome.
    if (this.feed({ type: 'call.ended', reason }) === null) this.finalize(undefined);
  }

  private finalize(ended: Extract<Effect, { type: 'ended' }> | undefined): void {
    if (this.status === 'ended') return;
    this.status = 'ended';
    clearTimeout(this.endTimer);
    if (ended) this.recorder.outcome({ ...(ended.outcome ? { outcome: ended.outcome } : {}), ...(ended.outcomeErrors?.length ? { errors: ended.outcomeErrors } : {}) });
    else this.recorder.note('the call closed before the flow finished its end actions', { code: 'RUNTIME_UNEXPECTED' });
    this.recorder.update({ status: this.finalStatus, endReason: this.endReason, ...(ended?.outcome ? { outcome: ended.outcome } : {}) });
    this.options.metrics.activeCalls.dec();
    this.log.info('call.ended', { callId: this.id, reason: this.endReason, status: this.finalStatus });
    void Promise.all([this.recorder.flush(), this.snapshotChain]).then(() => this.resolveDone());
  }

  // Helpers

  private settingsFor(effect: SessionUpdateEffect): SessionSettings {
    const agent = this.options.compiled.flow.agent;
    const language = agent.language?.split('-')[0];
    return {
      instructions: effect.instructions,
      tools: effect.tools,
      voice: effect.voice,
      // Parley interrupts the agent itself (clear, truncate, cancel): the API must not cancel on its own.
      turnDetection: { ...this.turnDetection, interruptible: false },
      createResponse: false,
      transcription: {
        model: agent.transcription?.model ?? DEFAULT_TRANSCRIPTION_MODEL,
        ...(language ? { language } : {}),
        ...(agent.transcription?.prompt ? { prompt: agent.transcription.prompt } : {}),
      },
      audioFormat: 'audio/pcmu',
    };
  }

  /** Stage entry, step 4: `reset` drops the conversation, `summarize` replaces it with a short note. */
  private applyHistory(history: SessionUpdateEffect['history']): void {
    if (history === 'keep') return;
    // Calls still waiting for their output keep their items, or the output would have nothing to answer.
    const pending = new Set(this.interpreter.pendingToolRuns.map((run) => run.callId));
    const items = this.model.conversation.filter((item) => !(item.callId && pending.has(item.callId)));
    if (items.length === 0) return;
    const note = history === 'summarize' ? summarize(items) : undefined;
    this.model.deleteItems(items.map((item) => item.id));
    if (note) this.model.addMessage('system', note);
  }

  private unexpected(where: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.recorder.note(`runtime error in ${where}: ${message}`, { code: 'RUNTIME_UNEXPECTED' });
    this.log.error('call.error', { callId: this.id, code: 'RUNTIME_UNEXPECTED', reason: where });
  }
}

/** A short note of the conversation so far, from what each side said (history `summarize`). */
function summarize(items: readonly TrackedItem[]): string | undefined {
  const lines: string[] = [];
  for (const item of items) {
    if (item.type !== 'message' || !item.text || item.role === 'system') continue;
    const text = item.text.length > SUMMARY_LINE_CHARS ? `${item.text.slice(0, SUMMARY_LINE_CHARS)}…` : item.text;
    lines.push(`${item.role === 'user' ? 'Caller' : 'Agent'}: ${text}`);
  }
  if (lines.length === 0) return undefined;
  return `Earlier in this call:\n${lines.slice(-SUMMARY_LINES).join('\n')}`;
}
