/**
 * One case's call on the real engine, as `parley demo` runs one: a fresh
 * engine on a SQLite store in a temporary folder, the HTTP server on
 * loopback, the fake Twilio REST API for calls and texts, the case's seed
 * data and setup steps, its flow published, then the call placed the way
 * Twilio would deliver it — an inbound call through the number route and the
 * signed voice webhook, an outbound one through `POST /api/calls` — and its
 * media stream connected by the Twilio call simulator. Only the vendors are
 * doubles; the model endpoint is whatever the caller passes (the fake
 * realtime server offline, the real API for `--live`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { loadConfig } from '../config/load-config.js';
import type { ConnectorHost } from '../connectors/connector-host.js';
import { createEngine, type Engine } from '../engine.js';
import { ParleyError } from '../errors/parley-error.js';
import type { CallSession } from '../runtime/call-session.js';
import type { RuntimeLimits } from '../runtime/runtime-limits.js';
import type { TimerScheduler } from '../runtime/timer-scheduler.js';
import { build } from '../server/app.js';
import type { CallRecord } from '../store/call-repository.js';
import { createFakeTwilioRest, type FakeTwilioRest } from '../testing/fake-twilio-rest.js';
import { createTwilioCallSimulator, type SimulatorPacing, type TwilioCallSimulator } from '../testing/twilio-call-simulator.js';
import type { Flow } from '../types/flow.generated.js';
import type { Clock } from '../util/clock.js';
import { withConnectorFaults, type FaultyConnectors } from './connector-faults.js';
import { SEED_LOADERS } from './connector-seeds.js';
import type { PreparedCase } from './prepare-flow-tests.js';
import { resolveReferences } from './resolve-references.js';

/** Where Twilio reaches the engine in a flow test; never contacted (requests are signed for it). */
const PUBLIC_URL = 'https://parley-flow-test.invalid';
/** Texts are sent from this number. */
const SMS_FROM = '+15005550006';

/** How to run a case's call. */
export interface CaseCallOptions {
  flow: Flow;
  testCase: PreparedCase;
  /** The model endpoint (`OPENAI_REALTIME_URL`) and key. */
  model: { url: string; apiKey: string };
  /** Business time for connectors and calls (the case's `now`). */
  clock: Clock;
  /** Where the flow's timers run (a flow test's call clock); default the wall clock. */
  timers?: TimerScheduler;
  pacing: SimulatorPacing;
  /** Called with the simulator before its stream starts (a call clock attaches to it). */
  onSimulator?: (simulator: TwilioCallSimulator) => void;
  /** Bounds of the engine's waits. */
  runtimeLimits?: Partial<RuntimeLimits>;
}

/** A case's call, live. */
export interface CaseCall {
  engine: Engine;
  /** The connectors without the case's faults: for checks of what the call left behind. */
  connectors: ConnectorHost;
  app: FastifyInstance;
  twilioRest: FakeTwilioRest;
  callId: string;
  simulator: TwilioCallSimulator;
  session: CallSession;
  /** Results of the case's named setup steps. */
  setupResults: Record<string, unknown>;
  /** Stops the call (if it still runs) and everything started for it; removes the store. */
  close(): Promise<void>;
}

/** Something failed before the call could start: seed data, a setup step, placing the call. */
function setupFailed(message: string): ParleyError {
  return new ParleyError('FLOW_TEST_SETUP_FAILED', message);
}

/** Starts the engine for one case, loads its data, places its call and connects the simulator. */
export async function startCaseCall(options: CaseCallOptions): Promise<CaseCall> {
  const { flow, testCase } = options;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-flow-test-'));
  const twilioRest = createFakeTwilioRest({ clock: options.clock });
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    PARLEY_FLOWS_DIR: '',
    PARLEY_EXAMPLE_DATA: 'off',
    OPENAI_API_KEY: options.model.apiKey,
    OPENAI_REALTIME_URL: options.model.url,
    TWILIO_ACCOUNT_SID: twilioRest.accountSid,
    TWILIO_AUTH_TOKEN: twilioRest.authToken,
    TWILIO_FROM_NUMBER: testCase.direction === 'outbound' ? testCase.from : SMS_FROM,
    TWILIO_SMS_FROM: SMS_FROM,
    PUBLIC_URL,
  };
  const closers: Array<() => Promise<void> | void> = [() => rm(dataDir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const config = loadConfig(env, { dataDir, port: 0, host: '127.0.0.1' });
    let faults: FaultyConnectors | undefined;
    const engine = await createEngine(config, {
      env,
      wrapConnectors: (host) => {
        faults = withConnectorFaults(host, testCase.faults);
        return faults.host;
      },
      twilioHttpClient: twilioRest.httpClient,
      clock: options.clock,
      callClock: options.clock,
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.runtimeLimits ? { runtimeLimits: options.runtimeLimits } : {}),
    });
    closers.push(() => engine.close());
    // Seeds, setup steps and checks use the connectors as they are; faults only touch the call.
    const connectors = faults!.raw;
    const now = new Date(options.clock.now());

    // 1. The case's data: seed sets and records, then setup steps.
    for (const [connector, seeds] of Object.entries(testCase.seeds ?? {})) {
      for (const seed of seeds) {
        try {
          await SEED_LOADERS[connector]!.load(connectors.storageFor(connector), seed, now);
        } catch (error) {
          throw setupFailed(`seed ${typeof seed === 'string' ? `\`${seed}\`` : 'records'} of the ${connector} connector could not be loaded: ${(error as Error).message}`);
        }
      }
    }
    const setupResults: Record<string, unknown> = {};
    for (const [index, step] of testCase.setup.entries()) {
      const { value: input, missing } = resolveReferences(step.with ?? {}, (ref) => lookupNamed(setupResults, ref));
      if (missing.length > 0) throw setupFailed(`setup step ${index + 1} (${step.use}) refers to {{${missing[0]}}}, which no earlier step returned`);
      const outcome = await connectors.invoke(step.use, input as Record<string, unknown>);
      if (!outcome.ok) throw setupFailed(`setup step ${index + 1} (${step.use}) failed: ${outcome.error.code}: ${outcome.error.message}`);
      if (step.as) setupResults[step.as] = outcome.result;
    }
    const resolved = resolveReferences({ context: testCase.context, parameters: testCase.parameters }, (ref) => lookupNamed(setupResults, ref));
    if (resolved.missing.length > 0) throw setupFailed(`{{${resolved.missing[0]}}} names no setup step result`);
    const context = resolved.value.context;
    const parameters = resolved.value.parameters ?? {};

    // 2. The engine's server, and the flow published.
    const app = await build({ services: engine, logger: false });
    closers.push(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    await engine.repositories.flows.create(flow);
    await engine.repositories.flows.publish(flow.id, { notes: `flow test: ${testCase.name}` });

    // 3. The call, as Twilio delivers it.
    const webhook = async (pathAndQuery: string, form: Record<string, string>) => {
      const response = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(twilioRest.authToken, PUBLIC_URL + pathAndQuery, form) },
        body: new URLSearchParams(form).toString(),
      });
      const body = await response.text();
      const callId = /<Parameter name="callId" value="([^"]+)"\/>/.exec(body)?.[1];
      if (response.status !== 200 || !callId) throw setupFailed(`Twilio's voice webhook did not bridge the call (HTTP ${response.status}): ${body.slice(0, 300)}`);
      return callId;
    };
    let callId: string;
    let callSid: string;
    if (testCase.direction === 'inbound') {
      try {
        await engine.repositories.numbers.create({ number: testCase.to, flowId: flow.id, ...(context ? { context } : {}) });
      } catch (error) {
        throw setupFailed(`the number ${testCase.to} could not be routed to the flow: ${(error as Error).message}`);
      }
      // The call exists at (fake) Twilio, so the engine's transfer and hang-up reach it.
      callSid = (await twilioRest.client().calls.create({ to: testCase.to, from: testCase.from, url: `${PUBLIC_URL}/twilio/voice` })).sid;
      callId = await webhook('/twilio/voice', { CallSid: callSid, AccountSid: twilioRest.accountSid, From: testCase.from, To: testCase.to, Direction: 'inbound', CallStatus: 'ringing' });
    } else {
      const placed = await app.inject({ method: 'POST', url: '/api/calls', payload: { to: testCase.to, from: testCase.from, flowId: flow.id, ...(context ? { context } : {}) } });
      if (placed.statusCode !== 201) throw setupFailed(`the outbound call could not be placed (POST /api/calls answered ${placed.statusCode}): ${placed.body}`);
      const record = placed.json() as CallRecord;
      callSid = record.twilioSid!;
      const pathAndQuery = `/twilio/voice?callId=${encodeURIComponent(record.id)}`;
      callId = await webhook(pathAndQuery, { CallSid: callSid, AccountSid: twilioRest.accountSid, From: testCase.from, To: testCase.to, Direction: 'outbound-api', CallStatus: 'in-progress' });
    }

    // 4. The media stream.
    const simulator = createTwilioCallSimulator({
      url: `ws://127.0.0.1:${port}/twilio/media`,
      authToken: twilioRest.authToken,
      signedUrl: `${PUBLIC_URL.replace('https', 'wss')}/twilio/media`,
      ids: { callSid, accountSid: twilioRest.accountSid },
      customParameters: { ...parameters, callId },
      pacing: options.pacing,
    });
    options.onSimulator?.(simulator);
    closers.push(() => simulator.disconnect());
    const started = engine.runtime.whenCallStarted(callId);
    faults!.arm();
    await simulator.start();
    // The engine either starts the call or refuses the stream (closing it).
    const session = await Promise.race([started, simulator.closed.then(() => undefined)]);
    if (!session) {
      const record = await engine.repositories.calls.get(callId);
      throw setupFailed(`the engine refused the call's media stream (the call is ${record.status}: ${record.endReason ?? 'no reason'})`);
    }
    return { engine, connectors, app, twilioRest, callId, simulator, session, setupResults, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** `name.path` in named results. */
function lookupNamed(results: Record<string, unknown>, ref: string): unknown {
  const [name, ...rest] = ref.split('.');
  if (!Object.hasOwn(results, name!)) return undefined;
  let current: unknown = results[name!];
  for (const segment of rest) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
