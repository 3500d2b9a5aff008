/**
 * A `tool.result` arrives: the binding's `assign` applies on success, then the
 * run's origin decides what happens next — a model call answers the model and
 * may settle its batch; an `onEnter` run may route the stage (`<tool>.done|error`)
 * or let its entry go on; `onStart` / `onEnd` runs let their lists go on.
 *
 * A result for a run whose stage was left in the meantime still applies its
 * `assign` (and still answers the model): a barge-in must never leave the flow
 * stuck or lose data. Results for unknown call ids are ignored.
 */
import { findOperation } from '../connectors/catalog.js';
import type { InterpreterEvent } from './call-types.js';
import { assignValues, type CallRuntime, emit, varsOf } from './call-runtime.js';
import { MachineEventType, toolEventType } from './machine-events.js';
import { settleIfDone } from './model-calls.js';
import { resumeActions } from './run-actions.js';
import { continueEntry, fireFlowEvent } from './stage-entry.js';
import { continueEnd, continueStart } from './call-lifecycle.js';
import { toolErrorOutput, toolResultOutput } from './tool-output.js';

type ToolResult = Extract<InterpreterEvent, { type: 'tool.result' }>;

export function handleToolResult(rt: CallRuntime, event: ToolResult): void {
  const { state, compiled } = rt;
  const run = state.runs[event.callId];
  if (!run) return;
  delete state.runs[event.callId];
  const binding = compiled.tools.get(run.tool)!;
  const ok = event.ok;
  let changed = false;
  if (event.ok) {
    const values = rt.writer.evaluateAssignments(binding.assign, varsOf(rt), { result: event.result, args: run.args }, rt.clock.now());
    assignValues(rt, values, `/tools/${run.tool}/assign`);
    changed = values.length > 0;
  }
  const outcome = event.ok ? { result: event.result } : { error: event.error };

  switch (run.origin) {
    case 'model': {
      const pii = rt.catalog ? (findOperation(rt.catalog, binding.use)?.pii ?? []) : binding.pii;
      emit(rt, { type: 'tool.output', callId: run.callId, output: event.ok ? toolResultOutput(binding, event.result, pii) : toolErrorOutput(binding) });
      const batch = state.batches.find((candidate) => candidate.id === run.batch);
      const call = batch?.calls.find((candidate) => candidate.callId === run.callId);
      if (batch && call) {
        Object.assign(call, { settled: true, ok }, outcome);
        settleIfDone(rt, batch);
        // A live batch checks `when` itself when it settles.
        if (!batch.orphaned) return;
      }
      if (changed) checkConditions(rt);
      return;
    }
    case 'onEnter': {
      const entry = state.entry;
      if (resumeActions(entry?.progress, run.callId)) {
        // The stage's `<tool>.done|error` transition may leave it before its guidance is sent.
        if (fireFlowEvent(rt, toolEventType(run.tool, ok ? 'done' : 'error'), { args: run.args, ...outcome })) return;
        continueEntry(rt);
        return;
      }
      if (changed) checkConditions(rt);
      return;
    }
    case 'onStart':
      if (state.status === 'starting' && resumeActions(state.actions, run.callId)) continueStart(rt);
      else if (changed) checkConditions(rt);
      return;
    case 'onEnd':
      if (state.status === 'ending' && resumeActions(state.actions, run.callId)) continueEnd(rt);
      return;
  }
}

/** Context changed outside a batch or an entry: `when` transitions get their chance. */
function checkConditions(rt: CallRuntime): void {
  if (rt.state.entry !== null) return;
  fireFlowEvent(rt, MachineEventType.check);
}
