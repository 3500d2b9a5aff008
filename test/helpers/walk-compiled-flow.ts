/**
 * A structural walk over a compiled flow's machine with @xstate/graph: which
 * stages can be reached from the start, and which transitions can fire.
 *
 * How guards are treated: expressions (`when`) depend on call data the walk
 * does not have, so every trigger guard is replaced by a selector — a guarded
 * transition fires when the walker aims the event at it (`event.aim`). That
 * proves each transition *can* fire whenever its own condition holds, and
 * still finds transitions that can never fire because an earlier one on the
 * same trigger always wins. The `$previous` checks stay real (somewhere to
 * return to; the return hub's branches): they depend only on the machine's own
 * context, which the walk tracks (the state key is the
 * state value plus the remembered stage). Intent events carry arguments
 * generated from `collect`, checked with the flow's own validators.
 */
import { getAdjacencyMap } from '@xstate/graph';
import { type AnyMachineSnapshot, type AnyStateMachine, transition } from 'xstate';
import type { FlowMachineContext } from '../../engine/flow/build-flow-machine.js';
import type { CompiledFlow, CompiledTransition } from '../../engine/flow/compiled-flow.js';
import {
  afterEventType,
  type GuardParams,
  intentEventType,
  MachineAction,
  machineEvent,
  type MachineEvent,
  MachineEventType,
  silenceEventType,
  toolEventType,
} from '../../engine/interpreter/machine-events.js';
import { createContextWriter, createMachineImplementations, type ImplementationHooks } from '../../engine/interpreter/machine-implementations.js';
import { sampleValue } from './sample-value.js';

export interface FlowWalk {
  /** Distinct machine states visited. */
  states: number;
  /** Stages (groups included) entered somewhere in the walk. */
  reachedStages: Set<string>;
  /** Transition ids that fired somewhere in the walk. */
  firedTransitions: Set<string>;
  /** Intents whose `collect` schema rejected the generated arguments: transition id → problems. */
  unsatisfiableCollect: Map<string, string[]>;
}

type WalkEvent = MachineEvent & { aim?: string };

const NOW = Date.UTC(2026, 0, 5, 15, 0, 0);

/** The leaf stage of a state value like `{ running: { scheduling: 'booking' } }`. */
function leafOf(value: unknown): string | null {
  if (!value || typeof value !== 'object' || !('running' in value)) return null;
  let current: unknown = (value as { running: unknown }).running;
  while (current && typeof current === 'object') current = Object.values(current)[0];
  return typeof current === 'string' ? current : null;
}

export function walkCompiledFlow(compiled: CompiledFlow): FlowWalk {
  const silent: ImplementationHooks = { reportError: () => {}, recordMatch: () => {} };
  const implementations = createMachineImplementations(compiled, silent, createContextWriter(compiled, silent));
  const selector = ({ context, event }: { context: FlowMachineContext; event: WalkEvent }, params: GuardParams) =>
    event.aim === params.t && (params.returns === undefined || context.previous !== null);
  const machine: AnyStateMachine = compiled.machine.provide({
    actions: implementations.actions as never,
    guards: { when: selector, keywords: selector, pattern: selector, dtmf: selector, previousIs: implementations.guards.previousIs } as never,
  });

  const unsatisfiableCollect = new Map<string, string[]>();
  const intentArgs = (transition: CompiledTransition): Record<string, unknown> => {
    const args = sampleValue(transition.collectSchema ?? { type: 'object' }) as Record<string, unknown>;
    if (transition.collectSchema) {
      const verdict = compiled.validators.validate(transition.collectSchema, args, 'arguments');
      if (!verdict.ok) unsatisfiableCollect.set(transition.id, verdict.errors);
    }
    return args;
  };

  const eventsFor = (snapshot: AnyMachineSnapshot): WalkEvent[] => {
    const stage = leafOf(snapshot.value);
    const origin = { stage, interrupted: false };
    const event = (type: string, fields: Partial<WalkEvent> = {}): WalkEvent => ({ ...machineEvent(type, NOW, origin), ...fields });
    if (snapshot.value === 'starting') return [event(MachineEventType.started), event(MachineEventType.failed, { reason: 'walk' })];
    if (snapshot.value === 'ending' || snapshot.value === 'ended' || stage === null) return [];
    const compiledStage = compiled.stages.get(stage)!;
    const events: WalkEvent[] = [];
    for (const t of compiledStage.reachable) {
      const aim = { aim: t.id };
      if (t.triggers.intent && t.intentName) events.push(event(intentEventType(t.intentName), { ...aim, args: intentArgs(t) }));
      if (t.triggers.on) {
        const outcome = t.triggers.on.outcome === 'done' ? { result: {} } : { error: { code: 'WALK', message: 'walk' } };
        events.push(event(toolEventType(t.triggers.on.tool, t.triggers.on.outcome), { ...aim, args: {}, ...outcome }));
      }
      if (t.triggers.keywords || t.triggers.pattern) events.push(event(MachineEventType.turn, { ...aim, transcript: '' }));
      if (t.triggers.dtmf !== undefined) events.push(event(MachineEventType.dtmf, { ...aim, buffer: t.triggers.dtmf }));
      if (t.triggers.afterMs !== undefined) events.push(event(afterEventType(t.id), aim));
      if (t.triggers.silenceMs !== undefined) events.push(event(silenceEventType(t.id), aim));
      if (t.conditionOnly) events.push(event(MachineEventType.check, aim));
    }
    if (compiledStage.limits.onLimit !== undefined) events.push(event(MachineEventType.limit, { limit: 'turns' }));
    if (compiled.onError !== undefined) events.push(event(MachineEventType.failed, { reason: 'walk' }));
    return events;
  };

  const input = { vars: { ...compiled.initialContext } };
  const adjacency = getAdjacencyMap(machine, {
    input,
    events: eventsFor as never,
    serializeState: (snapshot: AnyMachineSnapshot) => `${JSON.stringify(snapshot.value)}|${(snapshot.context as FlowMachineContext).previous}`,
    limit: 200_000,
  });

  const reachedStages = new Set<string>();
  const firedTransitions = new Set<string>();
  const values = Object.values(adjacency);
  for (const { state, transitions } of values) {
    for (const { event } of Object.values(transitions) as Array<{ event: WalkEvent }>) {
      const [, actions] = transition(machine, state, event) as unknown as [unknown, Array<{ type: string; params?: unknown }>];
      for (const action of actions) {
        const params = action.params as { t?: string; stage?: string } | undefined;
        if (action.type === MachineAction.fired && params?.t) firedTransitions.add(params.t);
        if (action.type === MachineAction.stageEntered && params?.stage) reachedStages.add(params.stage);
      }
    }
  }
  return { states: values.length, reachedStages, firedTransitions, unsatisfiableCollect };
}
