/**
 * The function calls of one model response (`model.calls`), handled as one
 * batch (DESIGN §3, tool calls):
 *
 * - an intent the current stage offers: available now (its `when` holds)? its
 *   arguments valid against `collect`? → accepted (answered when the batch
 *   settles); else refused with an error output saying what to fix;
 * - a tool the current stage offers: arguments parsed and valid against the
 *   tool's parameters? → `tool.run`; else refused;
 * - anything else: refused and recorded as a `violation` (tools are limited to
 *   the current stage — a security rule).
 *
 * When every call has settled: at most ONE transition (the first accepted
 * intent or `<tool>.done|error` transition in call order, then `when`), and
 * exactly one `respond` — the new stage's (from its entry procedure) or
 * `reason: 'tools'` to go on in the same stage. Tool outputs always come first.
 */
import type { ErrorCode } from '../errors/catalog.js';
import type { ModelCall } from './call-types.js';
import { type CallRuntime, currentStage, emit, trialStep } from './call-runtime.js';
import { isPlainObject } from './context-values.js';
import type { Batch, BatchCall } from './interpreter-state.js';
import { intentEventType, MachineEventType, toolEventType, type MachineEvent } from './machine-events.js';
import { fireFlowEvent, refreshOffer } from './stage-entry.js';
import { startToolRun } from './start-tool-run.js';
import { INTENT_IGNORED, INTENT_TAKEN, refusalOutput } from './tool-output.js';

type Parsed = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

function parseArguments(raw: ModelCall['arguments']): Parsed {
  if (isPlainObject(raw)) return { ok: true, value: raw };
  if (typeof raw === 'string') {
    if (raw.trim() === '') return { ok: true, value: {} };
    try {
      const value: unknown = JSON.parse(raw);
      if (isPlainObject(value)) return { ok: true, value };
    } catch {
      // Reported below.
    }
  }
  return { ok: false, message: 'the arguments are not a JSON object' };
}

function refuse(rt: CallRuntime, call: BatchCall, code: ErrorCode, message: string): void {
  emit(rt, { type: 'tool.output', callId: call.callId, output: refusalOutput(message) });
  emit(rt, { type: 'violation', callId: call.callId, name: call.name, code, message });
}

export function handleModelCalls(rt: CallRuntime, calls: readonly ModelCall[]): void {
  const { state, compiled } = rt;
  if (state.status !== 'running' || state.halted || calls.length === 0) return;
  const stage = currentStage(rt);
  state.nextBatchId += 1;
  const batch: Batch = { id: state.nextBatchId, seq: state.seq, calls: [], orphaned: false };
  state.batches.push(batch);

  for (const modelCall of calls) {
    const parsed = parseArguments(modelCall.arguments);
    const call: BatchCall = { callId: modelCall.callId, name: modelCall.name, kind: 'refused', args: parsed.ok ? parsed.value : {}, settled: true };
    batch.calls.push(call);

    if (stage?.intentByName.has(call.name)) {
      if (!parsed.ok) {
        refuse(rt, call, 'CALL_INTENT_ARGUMENTS', `${call.name}: ${parsed.message}. Call it again with a JSON object.`);
        continue;
      }
      // Which transition would take it now (its `when`, `$previous`), without taking it yet.
      const trial = trialStep(rt, intentEventType(call.name), { args: call.args });
      const transition = trial.fired?.t ? compiled.transitions.get(trial.fired.t) : undefined;
      if (!transition) {
        refuse(rt, call, 'CALL_INTENT_UNAVAILABLE', `${call.name} cannot be used at this point of the conversation.`);
        continue;
      }
      const verdict = transition.collectSchema ? compiled.validators.validate(transition.collectSchema, call.args, 'arguments') : { ok: true as const };
      if (!verdict.ok) {
        refuse(rt, call, 'CALL_INTENT_ARGUMENTS', `${call.name} was not applied: ${verdict.errors.join('; ')}. Ask the caller if needed, then call it again with corrected arguments.`);
        continue;
      }
      call.kind = 'intent';
      continue;
    }

    const binding = stage?.toolNames.has(call.name) ? compiled.tools.get(call.name) : undefined;
    if (binding) {
      const verdict = parsed.ok ? compiled.validators.validate(binding.spec.parameters, call.args, 'arguments') : { ok: false as const, errors: [parsed.message] };
      if (!verdict.ok) {
        refuse(rt, call, 'CALL_TOOL_ARGUMENTS', `${call.name} was not run: ${verdict.errors.join('; ')}. Call it again with corrected arguments.`);
        continue;
      }
      call.kind = 'tool';
      call.settled = false;
      startToolRun(rt, binding, { callId: call.callId, origin: 'model', modelArgs: call.args, batch: batch.id });
      continue;
    }

    refuse(rt, call, 'CALL_TOOL_NOT_OFFERED', `${call.name} is not available at this point of the conversation. Use only the tools you have now.`);
  }
  settleIfDone(rt, batch);
}

/** Settles the batch once every call in it has settled. */
export function settleIfDone(rt: CallRuntime, batch: Batch): void {
  if (batch.calls.some((call) => !call.settled)) return;
  rt.state.batches = rt.state.batches.filter((other) => other !== batch);
  if (batch.orphaned || rt.state.status !== 'running' || rt.state.halted) return;

  // 1. The one transition: the first call, in call order, that would fire one.
  let chosen: { call: BatchCall; type: string; fields: Omit<MachineEvent, 'type' | 'now' | 'origin'> } | undefined;
  for (const call of batch.calls) {
    const candidate =
      call.kind === 'intent'
        ? { type: intentEventType(call.name), fields: { args: call.args } }
        : call.kind === 'tool'
          ? {
              type: toolEventType(call.name, call.ok ? 'done' : 'error'),
              fields: { args: call.args, ...(call.ok ? { result: call.result } : { error: call.error! }) },
            }
          : undefined;
    if (candidate && trialStep(rt, candidate.type, candidate.fields).fired) {
      chosen = { call, ...candidate };
      break;
    }
  }
  // 2. Intent outputs, before anything of the next stage.
  for (const call of batch.calls) {
    if (call.kind === 'intent') emit(rt, { type: 'tool.output', callId: call.callId, output: call === chosen?.call ? INTENT_TAKEN : INTENT_IGNORED });
  }
  // 3. At most one transition: that one, else a `when` the results made true.
  if (chosen && fireFlowEvent(rt, chosen.type, chosen.fields)) return;
  if (fireFlowEvent(rt, MachineEventType.check)) return;
  // 4. Same stage: the results may have changed which intents are offered (their `when`);
  //    then one response to go on (unless the stage's entry is still running; it speaks for itself).
  refreshOffer(rt);
  if (rt.state.entry === null) emit(rt, { type: 'respond', reason: 'tools' });
}
