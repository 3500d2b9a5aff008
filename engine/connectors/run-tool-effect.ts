/**
 * The bridge from the interpreter's `tool.run` effect to the connector host
 * and back to a `tool.result` event: what the CallSession (and flow tests,
 * `parley chat`, the simulator) call for every tool the flow runs. The result
 * is the connector's full output; what the model may see of it is decided by
 * `redactForModel` where the output goes to the model.
 */
import type { CallInfo, Effect, InterpreterEvent } from '../interpreter/call-types.js';
import type { ConnectorHost } from './connector-host.js';
import type { ConnectorCall } from './define-connector.js';

/** A `tool.run` effect. */
export type ToolRunEffect = Extract<Effect, { type: 'tool.run' }>;
/** A `tool.result` event, with the invocation's latency for the call record. */
export type ToolResultEvent = Extract<InterpreterEvent, { type: 'tool.result' }> & { latencyMs: number };

/** The call as connectors see it: ids, numbers, direction, and the flow serving it. */
export function connectorCallOf(call: CallInfo, flow?: { id: string; version?: number }): ConnectorCall {
  return {
    id: call.id,
    from: call.from,
    to: call.to,
    direction: call.direction,
    ...(flow ? { flowId: flow.id, ...(flow.version !== undefined ? { flowVersion: flow.version } : {}) } : {}),
  };
}

/** Runs a `tool.run` effect through the host. Never throws: failures are `ok: false` results. */
export async function runToolEffect(host: ConnectorHost, effect: ToolRunEffect, options: { call?: ConnectorCall; signal?: AbortSignal } = {}): Promise<ToolResultEvent> {
  const outcome = await host.invoke(effect.use, effect.args, {
    timeoutMs: effect.timeoutMs,
    ...(options.call ? { call: options.call } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return outcome.ok
    ? { type: 'tool.result', callId: effect.callId, ok: true, result: outcome.result, latencyMs: outcome.latencyMs }
    : { type: 'tool.result', callId: effect.callId, ok: false, error: outcome.error, latencyMs: outcome.latencyMs };
}
