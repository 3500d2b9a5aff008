/**
 * Test harness for the call interpreter: compile a flow, start a call on a
 * manual clock, and read effects by type.
 */
import type { ConnectorCatalog } from '../../engine/connectors/catalog.js';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import type { CompiledFlow } from '../../engine/flow/compiled-flow.js';
import type { CallInfo, Effect } from '../../engine/interpreter/call-types.js';
import { type CallInterpreter, createCallInterpreter } from '../../engine/interpreter/create-call-interpreter.js';
import type { Flow } from '../../engine/types/flow.generated.js';
import { createManualClock } from '../../engine/util/clock.js';

export { flowOf, loadFixture } from './flow-fixtures.js';

export const CALL: CallInfo = {
  id: 'call-1',
  from: '+15125550100',
  to: '+15125550123',
  direction: 'outbound',
  parameters: {},
  startedAt: '2026-01-05T15:00:00.000Z',
};

export interface TestCall {
  compiled: CompiledFlow;
  interpreter: CallInterpreter;
  clock: ReturnType<typeof createManualClock>;
  /** Effects of `start()`. */
  started: Effect[];
}

export function startTestCall(flow: Flow | CompiledFlow, options: { context?: Record<string, unknown>; catalog?: ConnectorCatalog } = {}): TestCall {
  const compiled = 'machine' in flow ? flow : compileFlow(flow, options.catalog ? { catalog: options.catalog } : {});
  const clock = createManualClock(Date.parse(CALL.startedAt));
  const interpreter = createCallInterpreter(compiled, { call: CALL, clock, ...(options.context ? { context: options.context } : {}) });
  const started = interpreter.start();
  return { compiled, interpreter, clock, started };
}

/** Effect types, in order. */
export function typesOf(effects: readonly Effect[]): string[] {
  return effects.map((effect) => effect.type);
}

/** The effects of one type. */
export function ofType<T extends Effect['type']>(effects: readonly Effect[], type: T): Array<Extract<Effect, { type: T }>> {
  return effects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);
}

/** The single effect of a type (fails the test when there is not exactly one). */
export function only<T extends Effect['type']>(effects: readonly Effect[], type: T): Extract<Effect, { type: T }> {
  const found = ofType(effects, type);
  if (found.length !== 1) throw new Error(`expected exactly one ${type} effect, got ${found.length}: ${JSON.stringify(effects)}`);
  return found[0]!;
}

