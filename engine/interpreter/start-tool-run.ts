/**
 * Issues a `tool.run` effect for a tool binding and remembers the run until
 * its `tool.result` arrives. The arguments are the model's (already
 * validated) plus the binding's `with` and an action's `args`, evaluated over
 * the context now; bound arguments win, since the model never sees them.
 */
import type { CompiledAssignments, CompiledBinding } from '../flow/compiled-flow.js';
import { emit, type CallRuntime, varsOf } from './call-runtime.js';
import type { PendingRun } from './interpreter-state.js';
import { renderTemplate } from './render-stage.js';

export interface ToolRunRequest {
  callId: string;
  origin: PendingRun['origin'];
  /** The model's arguments (empty for actions). */
  modelArgs: Record<string, unknown>;
  /** An action's `args`. */
  actionArgs?: CompiledAssignments;
  batch?: number;
}

export function startToolRun(rt: CallRuntime, binding: CompiledBinding, request: ToolRunRequest): void {
  const vars = varsOf(rt);
  const now = rt.clock.now();
  const scope = { args: request.modelArgs };
  const args = {
    ...request.modelArgs,
    ...(request.actionArgs ? rt.writer.evaluateEach(request.actionArgs, vars, scope, now) : {}),
    ...rt.writer.evaluateEach(binding.with, vars, scope, now),
  };
  const filler = binding.filler ? renderTemplate(binding.filler, vars, rt.hooks).trim() : '';
  rt.state.runs[request.callId] = {
    callId: request.callId,
    tool: binding.name,
    origin: request.origin,
    args,
    ...(request.batch !== undefined ? { batch: request.batch } : {}),
  };
  emit(rt, {
    type: 'tool.run',
    callId: request.callId,
    tool: binding.name,
    use: binding.use,
    args,
    timeoutMs: binding.timeoutMs,
    ...(filler ? { filler } : {}),
    fillerAfterMs: binding.fillerAfterMs,
    origin: request.origin,
  });
}
