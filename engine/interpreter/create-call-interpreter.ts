/**
 * The call interpreter: one per call, driven by events, answering with
 * effects (see docs/interpreter.md). It owns no sockets and no timers — the
 * live CallSession, flow tests, `parley chat` and the editor's simulator all
 * drive the same object.
 *
 * Deterministic: every step is XState's pure transition over the flow's
 * machine (create-pure-step.ts; `initialTransition()` to begin), time comes only from the injected clock, timers are effects, and
 * ids it makes up are counters. The same events on the same clock give the
 * same effects.
 */
import { type AnyMachineSnapshot, initialTransition } from 'xstate';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { ParleyError } from '../errors/parley-error.js';
import type { FlowMachineContext, FlowMachineInput } from '../flow/build-flow-machine.js';
import type { CompiledFlow } from '../flow/compiled-flow.js';
import { type Clock, systemClock } from '../util/clock.js';
import type { CallInfo, Effect, InterpreterEvent, ToolSpec } from './call-types.js';
import { handleAgentTurnEnded, handleCallerTurn, handleDtmf, handleSpeechStarted } from './caller-events.js';
import { endCall, startCall } from './call-lifecycle.js';
import { type CallRuntime, currentStage, emit, previousOf, reportError, varsOf } from './call-runtime.js';
import { isPlainObject, mergeValues } from './context-values.js';
import { createPureStep } from './create-pure-step.js';
import {
  type ArmedTimer,
  CALL_SNAPSHOT_FORMAT,
  type CallSnapshot,
  type CallStatus,
  createInitialState,
  type InterpreterState,
  type PendingRun,
} from './interpreter-state.js';
import { createContextWriter, createMachineImplementations, type ImplementationHooks } from './machine-implementations.js';
import { handleModelCalls } from './model-calls.js';
import { offeredTools, renderInstructions } from './render-stage.js';
import { routeFailure } from './stage-entry.js';
import { handleTimer } from './timer-events.js';
import { handleToolResult } from './tool-results.js';

export interface CallInterpreterOptions {
  /** The call's facts; the flow reads them as `call.*`. */
  call: CallInfo;
  /** Values for this call (outbound context, number routing), merged over `context.initial` and checked against `context.schema`. */
  context?: Record<string, unknown>;
  /** The call clock (`$now()`, timestamps, timer bookkeeping). Default: the system clock. */
  clock?: Clock;
  /** Connector catalog for the PII fields of tool results; default: the one the flow was compiled with. */
  catalog?: ConnectorCatalog;
  /** Resume from a snapshot taken with the same flow version (then do not call `start()`). */
  snapshot?: CallSnapshot;
}

/** A running call: events in, effects out. */
export interface CallInterpreter {
  /** Starts the call: `onStart`, then the first stage. Once. */
  start(): Effect[];
  /** Feeds one event; returns the effects to carry out, in order. */
  send(event: InterpreterEvent): Effect[];
  /** After a model reconnect: the current stage's `session.update` again (re-rendered), without recording a transition. */
  reapplyStage(): Effect[];
  /** The call's state as JSON, to persist on every `transition` effect. */
  snapshot(): CallSnapshot;
  readonly status: CallStatus;
  /** Current stage (a leaf, never a group); null before the first stage. */
  readonly stage: string | null;
  /** The flow's variables, `call` included. */
  readonly context: Readonly<Record<string, unknown>>;
  /** What the last `session.update` carried. */
  readonly instructions: string | null;
  readonly tools: readonly ToolSpec[];
  /** Stages entered, in order, repeats included. */
  readonly visited: readonly string[];
  /** Timers asked for and not yet fired or cancelled (a resumed call re-arms them with the time left). */
  readonly armedTimers: readonly ArmedTimer[];
  /** `tool.run`s waiting for their `tool.result` (a resumed call must answer them, `ok: false` if they were lost). */
  readonly pendingToolRuns: readonly PendingRun[];
  /** Once `ended`: the outcome and its mismatches with `outcome.schema`. */
  readonly outcome: InterpreterState['ended'];
}

export function createCallInterpreter(compiled: CompiledFlow, options: CallInterpreterOptions): CallInterpreter {
  const clock = options.clock ?? systemClock;
  // The runtime is built in two steps: its hooks are needed to bind the machine it holds.
  const rt = {
    compiled,
    call: options.call,
    clock,
    ...(options.catalog ? { catalog: options.catalog } : {}),
    out: [] as Effect[],
    chain: 0,
    matches: new Map<string, string>(),
    quiet: false,
  } as unknown as CallRuntime;
  const hooks: ImplementationHooks = {
    reportError: (code, message, pointer) => {
      if (!rt.quiet) reportError(rt, code, message, pointer);
    },
    recordMatch: (transition, matched) => {
      rt.matches.set(transition, matched);
    },
  };
  const writer = createContextWriter(compiled, hooks);
  const machine = compiled.machine.provide(createMachineImplementations(compiled, hooks, writer) as never);
  Object.assign(rt, { hooks, writer, machine, advance: createPureStep(machine) });

  if (options.snapshot) {
    const snapshot = checkSnapshot(compiled, options.snapshot);
    rt.snapshot = machine.resolveState({ value: snapshot.machine.value as never, context: structuredClone(snapshot.machine.context) }) as AnyMachineSnapshot;
    rt.state = structuredClone(snapshot.interpreter);
  } else {
    const input: FlowMachineInput = { vars: initialVars(compiled, options) };
    rt.snapshot = initialTransition(machine, input)[0] as AnyMachineSnapshot;
    rt.state = createInitialState();
  }

  /** Runs one input and hands back its effects. */
  const run = (handle: () => void): Effect[] => {
    rt.out = [];
    rt.chain = 0;
    handle();
    const effects = rt.out;
    rt.out = [];
    return effects;
  };

  const dispatch = (event: InterpreterEvent): void => {
    switch (event.type) {
      case 'model.calls':
        handleModelCalls(rt, event.calls);
        return;
      case 'tool.result':
        handleToolResult(rt, event);
        return;
      case 'caller.turn':
        handleCallerTurn(rt, event.transcript);
        return;
      case 'caller.speechStarted':
        handleSpeechStarted(rt);
        return;
      case 'agent.turnEnded':
        handleAgentTurnEnded(rt);
        return;
      case 'dtmf':
        handleDtmf(rt, event.digits);
        return;
      case 'timer':
        handleTimer(rt, event.key);
        return;
      case 'model.failed':
        routeFailure(rt, event.reason);
        return;
      case 'call.ended':
        endCall(rt);
        return;
    }
  };

  return {
    start() {
      if (rt.state.status !== 'idle') throw new ParleyError('CALL_INTERPRETER_STATE', `start() on a call that is already ${rt.state.status}`);
      return run(() => startCall(rt));
    },
    send(event) {
      if (rt.state.status === 'idle') throw new ParleyError('CALL_INTERPRETER_STATE', `send(${event.type}) before start()`);
      if (rt.state.status === 'ended') return [];
      return run(() => dispatch(event));
    },
    reapplyStage() {
      return run(() => {
        const stage = currentStage(rt);
        // An entry still running sends its own session.update when it gets there.
        if (rt.state.status !== 'running' || rt.state.halted || !stage || stage.kind === 'action' || rt.state.entry !== null) return;
        const vars = varsOf(rt);
        const instructions = renderInstructions(compiled, stage, vars, hooks);
        const tools = offeredTools(stage, vars, previousOf(rt), writer, clock.now());
        rt.state.session = { instructions, tools };
        emit(rt, { type: 'session.update', stage: stage.name, instructions, tools, voice: compiled.agent.voice, model: compiled.agent.model, history: stage.history });
      });
    },
    snapshot() {
      const context = rt.snapshot.context as FlowMachineContext;
      return JSON.parse(
        JSON.stringify({
          format: CALL_SNAPSHOT_FORMAT,
          flowId: compiled.flow.id,
          fingerprint: compiled.fingerprint,
          call: options.call,
          machine: { value: rt.snapshot.value, context },
          interpreter: rt.state,
        } satisfies CallSnapshot),
      ) as CallSnapshot;
    },
    get status() {
      return rt.state.status;
    },
    get stage() {
      return rt.state.stage;
    },
    get context() {
      return varsOf(rt);
    },
    get instructions() {
      return rt.state.session?.instructions ?? null;
    },
    get tools() {
      return rt.state.session?.tools ?? [];
    },
    get visited() {
      return rt.state.visited;
    },
    get armedTimers() {
      return Object.values(rt.state.timers);
    },
    get pendingToolRuns() {
      return Object.values(rt.state.runs);
    },
    get outcome() {
      return rt.state.ended;
    },
  };
}

/** `context.initial`, the call's values over it, checked against `context.schema`, plus `call`. */
function initialVars(compiled: CompiledFlow, options: CallInterpreterOptions): Record<string, unknown> {
  const input = options.context ?? {};
  if (!isPlainObject(input)) throw new ParleyError('CALL_CONTEXT_INVALID', 'the call context must be an object');
  if (Object.hasOwn(input, 'call')) throw new ParleyError('CALL_CONTEXT_INVALID', '`call` is reserved: Parley fills it with the call’s own facts');
  const merged = mergeValues(compiled.initialContext, input);
  const schema = compiled.flow.context?.schema;
  if (schema) {
    const verdict = compiled.validators.validate(schema, merged, 'context');
    if (!verdict.ok) {
      throw new ParleyError('CALL_CONTEXT_INVALID', `the call context does not match the flow's context schema: ${verdict.errors.join('; ')}`, {
        details: { errors: verdict.errors },
      });
    }
  }
  return { ...merged, call: options.call };
}

function checkSnapshot(compiled: CompiledFlow, snapshot: CallSnapshot): CallSnapshot {
  if (!snapshot || snapshot.format !== CALL_SNAPSHOT_FORMAT || !snapshot.machine || !snapshot.interpreter) {
    throw new ParleyError('CALL_SNAPSHOT_INVALID', 'not a Parley call snapshot (or an older format)');
  }
  if (snapshot.flowId !== compiled.flow.id || snapshot.fingerprint !== compiled.fingerprint) {
    throw new ParleyError('CALL_SNAPSHOT_INVALID', `the snapshot was taken with flow ${snapshot.flowId} at another version`, {
      details: { flowId: snapshot.flowId },
    });
  }
  return snapshot;
}
