/**
 * Drives one example flow through a whole call without a model or a phone:
 * the real compiler and interpreter on a manual clock, and every `tool.run`
 * effect carried out against the REAL connector host (SQLite in memory, the
 * connectors' example data, SMS through the fake Twilio REST API). The test
 * plays the model (`intent`, `tool`) and the caller (`say`, `press`, `hangUp`);
 * the driver does what the runtime would do with the effects in between.
 *
 * Deliberately small: the flow-test feature will grow a real one (scripts,
 * coverage). What this one guarantees is that a flow's tool bindings are
 * accepted by the connectors they name and that its routes fire on real
 * results.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadCalendarSeed, type CalendarSeedName } from '../../connectors/calendar/seed.js';
import { loadCrmSeed, type CrmSeedName } from '../../connectors/crm/seed.js';
import { createConnectorHost, type ConnectorHost } from '../../engine/connectors/connector-host.js';
import { connectorCallOf, runToolEffect, type ToolResultEvent, type ToolRunEffect } from '../../engine/connectors/run-tool-effect.js';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import type { CompiledFlow } from '../../engine/flow/compiled-flow.js';
import type { CallInfo, Effect, InterpreterEvent } from '../../engine/interpreter/call-types.js';
import { type CallInterpreter, createCallInterpreter } from '../../engine/interpreter/create-call-interpreter.js';
import { openSqliteStore } from '../../engine/store/sqlite-store.js';
import { createFakeTwilioRest, type FakeTwilioRest } from '../../engine/testing/fake-twilio-rest.js';
import type { Flow } from '../../engine/types/flow.generated.js';
import { createManualClock } from '../../engine/util/clock.js';
import { fromRoot } from '../../engine/util/package-root.js';

/** The number the fake Twilio account sends texts from. */
export const SMS_FROM = '+15125550100';

export interface FlowDriverOptions {
  /** File name under `flows/`, e.g. `dental-outreach.yaml`. */
  flow: string;
  /** The call; `id`, `parameters` and `startedAt` have defaults (`startedAt` = `now`). */
  call: Pick<CallInfo, 'from' | 'to' | 'direction'> & Partial<CallInfo>;
  /** Call context merged over the flow's `context.initial` (number routing, campaign data). */
  context?: Record<string, unknown>;
  /** Wall-clock time the call starts, ISO 8601 (connectors and interpreter share the clock). */
  now: string;
  /** Example data to load before the call. */
  seeds: { calendar?: CalendarSeedName[]; crm?: CrmSeedName[] };
  /** Runs once the data is loaded, before the call exists: make bookings, return call parameters (an outbound campaign's). */
  setup?: (host: ConnectorHost) => Promise<Record<string, string> | void>;
}

/** One tool the flow ran, with what the connector answered. */
export interface ToolRunRecord {
  effect: ToolRunEffect;
  result: ToolResultEvent;
}

export interface FlowDriver {
  readonly host: ConnectorHost;
  readonly twilio: FakeTwilioRest;
  readonly compiled: CompiledFlow;
  readonly interpreter: CallInterpreter;
  readonly clock: ReturnType<typeof createManualClock>;
  readonly call: CallInfo;
  /** Every effect so far, in order. */
  readonly effects: Effect[];
  /** Every tool run so far, in order. */
  readonly runs: ToolRunRecord[];
  /** Timers armed and not yet cancelled or fired: key → ms. */
  readonly timers: Map<string, number>;
  readonly stage: string | null;
  readonly context: Record<string, unknown>;
  /** `start()`, with every tool it runs carried out. */
  start(): Promise<Effect[]>;
  /** Any event, then every tool run it causes (and those they cause). */
  send(event: InterpreterEvent): Promise<Effect[]>;
  /** The model calls one function (an intent or a tool) with these arguments. */
  model(name: string, args?: Record<string, unknown>): Promise<Effect[]>;
  /** The caller finishes a turn saying this. */
  say(transcript: string): Promise<Effect[]>;
  /** The caller presses keys. */
  press(digits: string): Promise<Effect[]>;
  /** Runs the armed timer whose key contains `match` out: the clock moves on by its length. */
  elapse(match: string): Promise<Effect[]>;
  /** The call ends (the runtime sends this once a `hangup` or `transfer` has been carried out). */
  hangUp(reason?: Extract<InterpreterEvent, { type: 'call.ended' }>['reason']): Promise<Effect[]>;
  /** Latest tool run of a binding (fails when there is none). */
  lastRun(tool: string): ToolRunRecord;
  close(): Promise<void>;
}

export function loadExampleFlow(file: string): Flow {
  return parse(readFileSync(path.join(fromRoot('flows'), file), 'utf8')) as Flow;
}

export async function createFlowDriver(options: FlowDriverOptions): Promise<FlowDriver> {
  const clock = createManualClock(Date.parse(options.now));
  const twilio = createFakeTwilioRest({ clock });
  const store = openSqliteStore({ file: ':memory:' });
  const host = await createConnectorHost({
    store,
    clock,
    env: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_SMS_FROM: SMS_FROM },
    services: { twilioHttpClient: twilio.httpClient },
  });
  for (const seed of options.seeds.calendar ?? []) await loadCalendarSeed(host.storageFor('calendar'), seed);
  for (const seed of options.seeds.crm ?? []) await loadCrmSeed(host.storageFor('crm'), seed, new Date(clock.now()));

  const parameters = { ...options.call.parameters, ...((await options.setup?.(host)) ?? {}) };

  const flow = loadExampleFlow(options.flow);
  const compiled = compileFlow(flow, { catalog: host.catalog() });
  const call: CallInfo = { id: `call-${flow.id}`, startedAt: new Date(clock.now()).toISOString(), ...options.call, parameters };
  const interpreter = createCallInterpreter(compiled, { call, clock, ...(options.context ? { context: options.context } : {}) });
  const connectorCall = connectorCallOf(call, { id: flow.id });

  const effects: Effect[] = [];
  const runs: ToolRunRecord[] = [];
  const timers = new Map<string, number>();
  let nextCall = 0;

  /** Records effects and carries out the tool runs among them, feeding each result back. */
  const settle = async (first: Effect[]): Promise<Effect[]> => {
    const all: Effect[] = [];
    const queue = [...first];
    while (queue.length > 0) {
      const effect = queue.shift()!;
      all.push(effect);
      effects.push(effect);
      if (effect.type === 'timer.start') timers.set(effect.key, effect.ms);
      if (effect.type === 'timer.cancel') timers.delete(effect.key);
      if (effect.type === 'tool.run') {
        const result = await runToolEffect(host, effect, { call: connectorCall });
        runs.push({ effect, result });
        const { latencyMs: _latency, ...event } = result;
        queue.push(...interpreter.send(event as InterpreterEvent));
      }
    }
    return all;
  };

  const send = (event: InterpreterEvent) => settle(interpreter.send(event));

  return {
    host,
    twilio,
    compiled,
    interpreter,
    clock,
    call,
    effects,
    runs,
    timers,
    get stage() {
      return interpreter.stage;
    },
    get context() {
      return interpreter.context as Record<string, unknown>;
    },
    start: () => settle(interpreter.start()),
    send,
    model(name, args = {}) {
      nextCall += 1;
      return send({ type: 'model.calls', calls: [{ callId: `m${nextCall}`, name, arguments: args }] });
    },
    say: (transcript) => send({ type: 'caller.turn', transcript }),
    press: (digits) => send({ type: 'dtmf', digits }),
    async elapse(match) {
      const key = [...timers.keys()].find((candidate) => candidate.includes(match));
      if (!key) throw new Error(`no armed timer matches "${match}"; armed: ${[...timers.keys()].join(', ') || 'none'}`);
      clock.advance(timers.get(key)!);
      timers.delete(key);
      return send({ type: 'timer', key });
    },
    hangUp: (reason = 'agent-hangup') => send({ type: 'call.ended', reason }),
    lastRun(tool) {
      const found = runs.filter((run) => run.effect.tool === tool).at(-1);
      if (!found) throw new Error(`tool ${tool} never ran; ran: ${runs.map((run) => run.effect.tool).join(', ') || 'nothing'}`);
      return found;
    },
    close: () => store.close(),
  };
}

/** The stages a sequence of effects entered, in order. */
export function stagesEntered(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) => (effect.type === 'transition' ? [effect.to] : []));
}
