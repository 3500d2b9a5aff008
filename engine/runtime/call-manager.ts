/**
 * The registry of live calls on this engine instance, and the way calls begin
 * and end: an inbound call is routed (number → flow → published version) and
 * recorded when Twilio asks for TwiML; an outbound call is recorded, then
 * placed through Twilio REST; either becomes live when its media stream
 * starts, which pins the flow version, compiles it (cached per version) and
 * starts a CallSession. `shutDown()` ends every live call (fastify `preClose`).
 *
 * Nothing here is on the audio path: frames go from the TwilioMediaStream to
 * the CallSession's ModelSession directly. Frame counters are added to the
 * metrics once a second, not per frame.
 */
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ParleyConfig } from '../config/load-config.js';
import type { ConnectorHost } from '../connectors/connector-host.js';
import { connectorCallOf } from '../connectors/run-tool-effect.js';
import { ParleyError, isParleyError } from '../errors/parley-error.js';
import { compileFlow } from '../flow/compile-flow.js';
import type { CompiledFlow } from '../flow/compiled-flow.js';
import type { CallInfo } from '../interpreter/call-types.js';
import { createCallInterpreter } from '../interpreter/create-call-interpreter.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallRecord, CallRepository } from '../store/call-repository.js';
import type { DocumentStore } from '../store/document-store.js';
import { isFinalStatus } from '../store/call-repository.js';
import type { FlowRepository, FlowVersion } from '../store/flow-repository.js';
import type { NumberRepository } from '../store/number-repository.js';
import { normalizePhoneNumber } from '../store/number-repository.js';
import type { TwilioStartMessage } from '../telephony/twilio-media-messages.js';
import { TwilioMediaStream } from '../telephony/twilio-media-stream.js';
import type { TwilioRest } from '../telephony/twilio-rest.js';
import { publicUrlOf } from '../telephony/twilio-signature.js';
import { createCallLog, type CallLog, type LogTarget } from './call-log.js';
import { CallRecorder } from './call-recorder.js';
import { CallSession } from './call-session.js';
import { createCallStateStore, type CallStart, type CallStateStore } from './call-state-store.js';
import type { RuntimeLimits } from './runtime-limits.js';
import type { TimerScheduler } from './timer-scheduler.js';
import { systemClock, type Clock } from '../util/clock.js';

/** What the manager needs from the engine. */
export interface CallManagerOptions {
  config: ParleyConfig;
  repositories: { flows: FlowRepository; calls: CallRepository; numbers: NumberRepository };
  store: DocumentStore;
  connectors: ConnectorHost;
  metrics: Metrics;
  /** Twilio REST (outbound calls, transfer, hang-up); absent when Twilio is not configured. */
  twilio?: TwilioRest;
  /** Where the runtime logs (an allow-list of events; see call-log.ts). */
  log?: LogTarget;
  /** Bounds of the runtime's waits (tests shorten some). */
  limits?: Partial<RuntimeLimits>;
  /** This instance, recorded on the calls it bridges. Default: a random id. */
  instanceId?: string;
  /** The clock calls read (`call.startedAt`, `$now()`, transition times). Default: the system clock; flow tests pin it. */
  clock?: Clock;
  /** Where the flows' timers run. Default: the wall clock; flow tests run them on their simulated call's clock. */
  timers?: TimerScheduler;
}

/** An outbound call to place. */
export interface OutboundCallInput {
  /** E.164 number to call. */
  to: string;
  flowId: string;
  /** Values for the flow's context (checked against its `context.schema` when the call starts). */
  context?: Record<string, unknown>;
  /** Caller id; default TWILIO_FROM_NUMBER. */
  from?: string;
}

/** The result of routing a Twilio voice webhook. */
export type RouteResult = { ok: true; callId: string } | { ok: false; code: 'TWILIO_NUMBER_NOT_ROUTED' | 'TWILIO_STREAM_UNKNOWN_CALL'; message: string };

interface LiveCall {
  session: CallSession;
  stream: TwilioMediaStream;
  framesIn: number;
  chunksOut: number;
}

/** Compiled flow versions kept in memory. */
const COMPILED_CACHE_SIZE = 64;
/** How often frame counters reach the metrics. */
const COUNTER_FLUSH_MS = 1000;
/** How long a shutdown waits for calls to record their end. */
const SHUTDOWN_WAIT_MS = 5000;

/** The live calls of one engine instance. */
export class CallManager {
  readonly instanceId: string;
  readonly states: CallStateStore;
  private readonly live = new Map<string, LiveCall>();
  private readonly compiled = new Map<string, CompiledFlow>();
  private log: CallLog;
  private counterTimer: NodeJS.Timeout | undefined;
  private readonly startWaiters = new Map<string, Array<(session: CallSession) => void>>();

  constructor(private readonly options: CallManagerOptions) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.states = createCallStateStore(options.store);
    this.log = createCallLog(options.log);
  }

  /** Logs to `target` from now on (the server's logger, once it exists). */
  useLog(target: LogTarget | undefined): void {
    this.log = createCallLog(target);
  }

  /** Calls being bridged by this instance. */
  get liveCalls(): ReadonlyMap<string, CallSession> {
    return new Map([...this.live].map(([id, call]) => [id, call.session]));
  }

  /** Resolves with the call's session once its media stream has started it (at once if it is live). */
  whenCallStarted(callId: string): Promise<CallSession> {
    const live = this.live.get(callId);
    if (live) return Promise.resolve(live.session);
    return new Promise((resolve) => {
      const waiters = this.startWaiters.get(callId) ?? [];
      waiters.push(resolve);
      this.startWaiters.set(callId, waiters);
    });
  }

  /**
   * A caller turn typed as text on a live call of this instance (the editor's
   * simulator): see `CallSession.callerText`. Throws RUNTIME_CALL_NOT_LIVE for
   * an unknown call, one not started yet or one that is over.
   */
  callerText(callId: string, text: string): Promise<void> {
    const live = this.live.get(callId);
    if (!live) return Promise.reject(new ParleyError('RUNTIME_CALL_NOT_LIVE', `No live call ${callId} on this instance: unknown, not started yet, or over.`, { details: { callId } }));
    return live.session.callerText(text);
  }

  /** An inbound call asks for TwiML: route its number to a flow, record the call. */
  async prepareInbound(input: { callSid: string; from: string; to: string }): Promise<RouteResult> {
    const { calls, numbers, flows } = this.options.repositories;
    const existing = await calls.findByTwilioSid(input.callSid);
    // Twilio retries a webhook that failed: the call may already be recorded.
    if (existing && !isFinalStatus(existing.status)) return { ok: true, callId: existing.id };
    let number: string | undefined;
    try {
      number = normalizePhoneNumber(input.to);
    } catch {
      number = undefined;
    }
    const route = number ? await numbers.find(number) : null;
    const version = route ? await flows.getCurrent(route.flowId).catch(() => null) : null;
    if (!route || !version) {
      const message = !route ? 'no flow answers this number' : `flow ${route.flowId} has no published version`;
      await this.recordRefusal({ flowId: route?.flowId ?? '', flowVersion: 0, direction: 'inbound', from: input.from, to: input.to, twilioSid: input.callSid }, 'TWILIO_NUMBER_NOT_ROUTED', message);
      this.log.warn('call.refused', { code: 'TWILIO_NUMBER_NOT_ROUTED', reason: message });
      return { ok: false, code: 'TWILIO_NUMBER_NOT_ROUTED', message };
    }
    const record = await calls.create({
      flowId: version.flowId,
      flowVersion: version.version,
      direction: 'inbound',
      from: input.from,
      to: input.to,
      status: 'ringing',
      twilioSid: input.callSid,
      instanceId: this.instanceId,
    });
    await this.states.saveStart(record.id, { ...(route.context ? { context: route.context } : {}), ...(route.greeting ? { greeting: route.greeting } : {}) });
    this.options.metrics.callsTotal.labels('inbound').inc();
    return { ok: true, callId: record.id };
  }

  /** An outbound call was answered and Twilio asks for TwiML (`?callId=` on the webhook URL). */
  async prepareAnswered(callId: string, callSid: string): Promise<RouteResult> {
    const record = await this.options.repositories.calls.get(callId).catch(() => null);
    if (!record || isFinalStatus(record.status) || (record.twilioSid !== undefined && record.twilioSid !== callSid)) {
      return { ok: false, code: 'TWILIO_STREAM_UNKNOWN_CALL', message: 'the call is unknown, already over, or belongs to another Twilio call' };
    }
    if (record.twilioSid === undefined) await this.options.repositories.calls.update(callId, { twilioSid: callSid });
    return { ok: true, callId };
  }

  /** Places an outbound call: records it (`queued`), then asks Twilio to dial. */
  async placeOutbound(input: OutboundCallInput): Promise<CallRecord> {
    const { config, twilio } = this.options;
    const from = input.from ?? config.twilio.fromNumber;
    if (!twilio || !config.publicUrl || !from) {
      throw new ParleyError('TWILIO_NOT_CONFIGURED', 'Outbound calls need TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER (or `from`) and PUBLIC_URL');
    }
    const to = normalizePhoneNumber(input.to);
    const version = await this.options.repositories.flows.getCurrent(input.flowId);
    if (!version) throw new ParleyError('RUNTIME_FLOW_NOT_PUBLISHED', `Flow ${input.flowId} has no published version; publish it before calling with it`, { details: { flowId: input.flowId } });
    // Check the flow and the context now, so a bad request fails here and not once the callee answers.
    this.interpreterCheck(version, input.context);
    const calls = this.options.repositories.calls;
    const record = await calls.create({ flowId: version.flowId, flowVersion: version.version, direction: 'outbound', from, to, status: 'queued', instanceId: this.instanceId });
    await this.states.saveStart(record.id, input.context ? { context: input.context } : {});
    this.options.metrics.callsTotal.labels('outbound').inc();
    try {
      const placed = await twilio.createCall({
        to,
        from,
        url: publicUrlOf(config.publicUrl, `/twilio/voice?callId=${encodeURIComponent(record.id)}`),
        statusCallback: publicUrlOf(config.publicUrl, `/twilio/status?callId=${encodeURIComponent(record.id)}`),
      });
      this.log.info('call.outbound', { callId: record.id, flowId: version.flowId, flowVersion: version.version });
      return await calls.update(record.id, { twilioSid: placed.sid });
    } catch (error) {
      const code = isParleyError(error) ? error.code : 'TWILIO_REQUEST_FAILED';
      await calls.update(record.id, { status: 'failed', endReason: code });
      await calls.appendEvent(record.id, { kind: 'note', data: { text: `Twilio did not place the call: ${(error as Error).message}`, code } });
      throw error;
    }
  }

  /** A Twilio status callback: call progress on the record. */
  async statusUpdate(input: { callSid: string; callStatus: string; callId?: string }): Promise<void> {
    const calls = this.options.repositories.calls;
    const record = input.callId ? await calls.get(input.callId).catch(() => null) : await calls.findByTwilioSid(input.callSid);
    if (!record || (record.twilioSid !== undefined && record.twilioSid !== input.callSid)) return;
    const status = input.callStatus;
    await calls.appendEvent(record.id, { kind: 'note', data: { text: 'Twilio call status', callStatus: status.slice(0, 32) } });
    if (this.live.has(record.id)) return; // The live session records its own end.
    if (status === 'ringing' || status === 'initiated') await calls.update(record.id, { status: 'ringing' });
    else if (status === 'completed') await calls.update(record.id, { status: 'ended', endReason: 'completed' });
    else if (status === 'busy' || status === 'no-answer' || status === 'canceled' || status === 'failed') await calls.update(record.id, { status: 'failed', endReason: status });
  }

  /** Takes a Twilio media stream (its signature already checked); the call starts with its `start` message. */
  acceptStream(socket: WebSocket): TwilioMediaStream {
    return new TwilioMediaStream(socket, {
      ...(this.options.twilio ? { rest: this.options.twilio } : {}),
      onStart: (stream, start) => {
        this.startCall(stream, start).catch((error: unknown) => this.refuseStream(stream, start.customParameters.callId, 'RUNTIME_UNEXPECTED', error instanceof Error ? error.message : String(error)));
      },
    });
  }

  /** Ends every live call (server shutdown) and waits (bounded) for their records. */
  async shutDown(reason = 'engine-shutdown'): Promise<void> {
    const sessions = [...this.live.values()].map((call) => call.session);
    for (const session of sessions) session.shutDown(reason);
    await Promise.race([Promise.all(sessions.map((session) => session.done)), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref())]);
    this.flushCounters();
    if (this.counterTimer) clearInterval(this.counterTimer);
    this.counterTimer = undefined;
  }

  private async startCall(stream: TwilioMediaStream, start: TwilioStartMessage): Promise<void> {
    const { calls, flows } = this.options.repositories;
    const callId = start.customParameters.callId;
    if (!callId) return this.refuseStream(stream, undefined, 'TWILIO_STREAM_UNKNOWN_CALL', 'the stream has no callId parameter');
    if (this.live.has(callId)) return this.refuseStream(stream, undefined, 'TWILIO_STREAM_UNKNOWN_CALL', 'the call already has a live stream');
    const record = await calls.get(callId).catch(() => null);
    if (!record) return this.refuseStream(stream, undefined, 'TWILIO_STREAM_UNKNOWN_CALL', 'no such call');
    if (isFinalStatus(record.status)) return this.refuseStream(stream, undefined, 'TWILIO_STREAM_UNKNOWN_CALL', `the call is already ${record.status}`);
    if (record.twilioSid !== undefined && record.twilioSid !== start.callSid) return this.refuseStream(stream, undefined, 'TWILIO_STREAM_UNKNOWN_CALL', 'the stream belongs to another Twilio call');

    let compiled: CompiledFlow;
    let callStart: CallStart;
    try {
      const version = await flows.getVersion(record.flowId, record.flowVersion);
      compiled = this.compile(version);
      callStart = await this.states.loadStart(callId);
    } catch (error) {
      return this.refuseStream(stream, callId, 'RUNTIME_CALL_START_FAILED', (error as Error).message);
    }
    const { customParameters } = start;
    const parameters: Record<string, string> = { ...record.parameters };
    for (const [name, value] of Object.entries(customParameters)) if (name !== 'callId') parameters[name] = value;
    const clock = this.options.clock ?? systemClock;
    const info: CallInfo = { id: callId, from: record.from, to: record.to, direction: record.direction, parameters, startedAt: new Date(clock.now()).toISOString() };
    let interpreter;
    try {
      interpreter = createCallInterpreter(compiled, { call: info, clock, ...(callStart.context ? { context: callStart.context } : {}), catalog: this.options.connectors.catalog() });
    } catch (error) {
      return this.refuseStream(stream, callId, 'RUNTIME_CALL_START_FAILED', (error as Error).message);
    }
    if (stream.ended) return this.refuseStream(stream, callId, 'TWILIO_STREAM_UNKNOWN_CALL', 'the stream ended before the call could start');

    const recorder = new CallRecorder(calls, callId, this.log);
    const session = new CallSession({
      info,
      flow: { id: record.flowId, version: record.flowVersion },
      compiled,
      interpreter,
      phone: stream,
      model: { url: this.options.config.openai.realtimeUrl, apiKey: this.options.config.openai.apiKey },
      tools: this.options.connectors,
      connectorCall: connectorCallOf(info, { id: record.flowId, version: record.flowVersion }),
      recorder,
      states: this.states,
      metrics: this.options.metrics,
      log: this.log,
      ...(callStart.greeting ? { greeting: callStart.greeting } : {}),
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      ...(this.options.timers ? { timers: this.options.timers } : {}),
    });
    const live: LiveCall = { session, stream, framesIn: 0, chunksOut: 0 };
    this.live.set(callId, live);
    stream.attach(session, session.signal);
    recorder.update({ status: 'live', twilioSid: start.callSid, instanceId: this.instanceId });
    this.startCounters();
    session.start();
    for (const resolve of this.startWaiters.get(callId) ?? []) resolve(session);
    this.startWaiters.delete(callId);
    void session.done.then(() => {
      this.flushCounter(live);
      this.live.delete(callId);
      if (this.live.size === 0 && this.counterTimer) {
        clearInterval(this.counterTimer);
        this.counterTimer = undefined;
      }
    });
  }

  /** The compiled machine of a flow version, compiled once (the compiler is pure). */
  private compile(version: FlowVersion): CompiledFlow {
    const key = `${version.flowId}@${version.version}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = compileFlow(version.document, { catalog: this.options.connectors.catalog() });
      this.compiled.set(key, compiled);
      if (this.compiled.size > COMPILED_CACHE_SIZE) this.compiled.delete(this.compiled.keys().next().value as string);
    }
    return compiled;
  }

  /** Compiles the flow and checks a context against it, as the call will when it starts. */
  private interpreterCheck(version: FlowVersion, context: Record<string, unknown> | undefined): void {
    try {
      const compiled = this.compile(version);
      createCallInterpreter(compiled, {
        call: { id: 'check', from: '', to: '', direction: 'outbound', parameters: {}, startedAt: new Date(0).toISOString() },
        ...(context ? { context } : {}),
        catalog: this.options.connectors.catalog(),
      });
    } catch (error) {
      throw new ParleyError('RUNTIME_CALL_START_FAILED', (error as Error).message, { cause: error, ...(isParleyError(error) && error.details ? { details: error.details } : {}) });
    }
  }

  private async refuseStream(stream: TwilioMediaStream, callId: string | undefined, code: string, message: string): Promise<void> {
    stream.refuse();
    this.log.warn('call.refused', { callId, code, reason: message });
    if (!callId) return;
    const calls = this.options.repositories.calls;
    await calls.appendEvent(callId, { kind: 'note', data: { text: `the call could not start: ${message}`, code } }).catch(() => undefined);
    await calls.update(callId, { status: 'failed', endReason: code }).catch(() => undefined);
  }

  private async recordRefusal(call: { flowId: string; flowVersion: number; direction: 'inbound'; from: string; to: string; twilioSid: string }, code: string, message: string): Promise<void> {
    const calls = this.options.repositories.calls;
    try {
      const record = await calls.create({ ...call, status: 'ringing', instanceId: this.instanceId });
      await calls.appendEvent(record.id, { kind: 'note', data: { text: `the call was refused: ${message}`, code } });
      await calls.update(record.id, { status: 'failed', endReason: code });
    } catch {
      // A refused call that cannot even be recorded is still refused.
    }
  }

  private startCounters(): void {
    this.counterTimer ??= setInterval(() => this.flushCounters(), COUNTER_FLUSH_MS).unref();
  }

  private flushCounters(): void {
    for (const call of this.live.values()) this.flushCounter(call);
  }

  private flushCounter(call: LiveCall): void {
    const { framesIn, chunksOut } = call.stream;
    if (framesIn > call.framesIn) this.options.metrics.audioFrames.labels('in').inc(framesIn - call.framesIn);
    if (chunksOut > call.chunksOut) this.options.metrics.audioFrames.labels('out').inc(chunksOut - call.chunksOut);
    call.framesIn = framesIn;
    call.chunksOut = chunksOut;
  }
}
