/**
 * The per-call state object every interpreter procedure works on (STYLE §6:
 * per-call state on one object), and its primitive operations: take a machine
 * step with XState's pure `transition()`, emit an effect, arm and cancel
 * timers. The procedures (stage entry, tool calls, caller events, the end of
 * the call) live in their own files and only touch the call through these.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { ErrorCode } from '../errors/catalog.js';
import type { FlowMachineContext } from '../flow/build-flow-machine.js';
import type { CompiledFlow, CompiledStage } from '../flow/compiled-flow.js';
import type { Clock } from '../util/clock.js';
import type { CallInfo, Effect } from './call-types.js';
import type { PureStep } from './create-pure-step.js';
import type { ArmedTimer, InterpreterState } from './interpreter-state.js';
import { type FiredParams, MachineAction, machineEvent, type MachineEvent, MachineEventType } from './machine-events.js';
import type { ContextWriter, ImplementationHooks } from './machine-implementations.js';

/** Most stage entries one input may cause before it counts as a loop. */
export const MAX_CHAINED_ENTRIES = 32;

export interface CallRuntime {
  readonly compiled: CompiledFlow;
  /** The flow's machine with this call's implementations. */
  readonly machine: AnyStateMachine;
  /** XState's pure transition over that machine (see create-pure-step.ts). */
  readonly advance: PureStep;
  readonly call: CallInfo;
  readonly clock: Clock;
  readonly writer: ContextWriter;
  readonly hooks: ImplementationHooks;
  /** For PII fields of tool results (defaults to the catalog the flow was compiled with). */
  readonly catalog?: ConnectorCatalog;
  snapshot: AnyMachineSnapshot;
  state: InterpreterState;
  /** Effects of the input being handled, in order. */
  out: Effect[];
  /** Stage entries caused by the input being handled (loop guard). */
  chain: number;
  /** What `keywords` / `pattern` guards matched during the last step, by transition id. */
  matches: Map<string, string>;
  /** While true, guard and action reports are dropped (a trial step that is not committed). */
  quiet: boolean;
}

/** What one machine step did. */
export interface StepResult {
  event: MachineEvent;
  /** The transition that fired, if one did. */
  fired?: FiredParams;
  /** Stages entered, outermost first (the last is the leaf). */
  entered: string[];
}

export function varsOf(rt: CallRuntime): Record<string, unknown> {
  return (rt.snapshot.context as FlowMachineContext).vars;
}

export function previousOf(rt: CallRuntime): string | null {
  return (rt.snapshot.context as FlowMachineContext).previous;
}

export function currentStage(rt: CallRuntime): CompiledStage | undefined {
  return rt.state.stage === null ? undefined : rt.compiled.stages.get(rt.state.stage);
}

export function isoNow(rt: CallRuntime): string {
  return new Date(rt.clock.now()).toISOString();
}

export function emit(rt: CallRuntime, effect: Effect): void {
  rt.out.push(effect);
}

export function reportError(rt: CallRuntime, code: ErrorCode, message: string, pointer?: string): void {
  emit(rt, { type: 'error', code, message, ...(pointer ? { pointer } : {}) });
}

function buildEvent(rt: CallRuntime, type: string, fields: Omit<MachineEvent, 'type' | 'now' | 'origin'>): MachineEvent {
  return machineEvent(type, rt.clock.now(), { stage: rt.state.stage, interrupted: rt.state.interrupted }, fields);
}

function readStep(event: MachineEvent, actions: ReadonlyArray<{ type: string; params?: unknown }>): StepResult {
  let fired: FiredParams | undefined;
  const entered: string[] = [];
  for (const action of actions) {
    if (action.type === MachineAction.fired) fired ??= action.params as FiredParams;
    else if (action.type === MachineAction.stageEntered) entered.push((action.params as { stage: string }).stage);
  }
  return { event, ...(fired ? { fired } : {}), entered };
}

/** Takes one machine step (XState's pure transition) and commits it. */
export function step(rt: CallRuntime, type: string, fields: Omit<MachineEvent, 'type' | 'now' | 'origin'> = {}): StepResult {
  const event = buildEvent(rt, type, fields);
  rt.matches.clear();
  const [next, actions] = rt.advance(rt.snapshot, event);
  rt.snapshot = next;
  return readStep(event, actions);
}

/** What a step would do, without committing it or reporting anything. */
export function trialStep(rt: CallRuntime, type: string, fields: Omit<MachineEvent, 'type' | 'now' | 'origin'> = {}): StepResult {
  const event = buildEvent(rt, type, fields);
  rt.quiet = true;
  try {
    const [, actions] = rt.advance(rt.snapshot, event);
    return readStep(event, actions);
  } finally {
    rt.quiet = false;
    rt.matches.clear();
  }
}

/** Stores values in the context (through the machine, so the snapshot holds them). */
export function assignValues(rt: CallRuntime, values: ReadonlyArray<readonly [string, unknown]>, pointer?: string): void {
  if (values.length === 0) return;
  step(rt, MachineEventType.assign, { values: [...values], ...(pointer ? { pointer } : {}) });
}

export function armTimer(rt: CallRuntime, timer: Omit<ArmedTimer, 'startedAt'>): void {
  rt.state.timers[timer.key] = { ...timer, startedAt: rt.clock.now() };
  emit(rt, { type: 'timer.start', key: timer.key, ms: timer.ms });
}

/** Cancels the armed timers that match; in the order they were armed. */
export function cancelTimers(rt: CallRuntime, matches: (timer: ArmedTimer) => boolean): void {
  for (const timer of Object.values(rt.state.timers)) {
    if (!matches(timer)) continue;
    delete rt.state.timers[timer.key];
    emit(rt, { type: 'timer.cancel', key: timer.key });
  }
}
