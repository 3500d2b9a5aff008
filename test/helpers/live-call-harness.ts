/**
 * A real engine serving live calls for tests, with only the vendors replaced:
 * the fake OpenAI Realtime server, the fake Twilio REST API (through the
 * `twilio` package's httpClient) and the Twilio call simulator. Real sockets,
 * real HTTP, SQLite in a temporary folder, the built-in connectors with the
 * dental seed data, on a fixed business clock (Monday 2026-01-05, 9 AM in
 * Austin) so calendar slots are the same on every run.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { parse } from 'yaml';
import { loadCalendarSeed } from '../../connectors/calendar/seed.js';
import { loadCrmSeed } from '../../connectors/crm/seed.js';
import { loadConfig } from '../../engine/config/load-config.js';
import { createEngine, type Engine } from '../../engine/engine.js';
import type { CallSession } from '../../engine/runtime/call-session.js';
import type { RuntimeLimits } from '../../engine/runtime/runtime-limits.js';
import { build } from '../../engine/server/app.js';
import type { CallRecord } from '../../engine/store/call-repository.js';
import type { CallEvent } from '../../engine/store/call-event.js';
import type { Flow } from '../../engine/types/flow.generated.js';
import type { ConversationScript } from '../../engine/testing/conversation-script.js';
import { createFakeRealtimeServer, type FakeRealtimeServer, type FakeRealtimeServerOptions } from '../../engine/testing/fake-realtime-server.js';
import { createFakeTwilioRest, type FakeTwilioRest } from '../../engine/testing/fake-twilio-rest.js';
import { createTwilioCallSimulator, type SimulatorPacing, type TwilioCallSimulator } from '../../engine/testing/twilio-call-simulator.js';
import { createManualClock } from '../../engine/util/clock.js';
import { fromRoot } from '../../engine/util/package-root.js';

/** Where Twilio reaches the engine in tests (never contacted: requests are signed for it). */
export const PUBLIC_URL = 'https://parley.example.test';
export const FROM_NUMBER = '+15125550100';
/** Maria Garcia in the CRM's dental seed: two children, Tony and Paula. */
export const MARIA = '+15125550142';
export const CLINIC_NUMBER = '+15125550123';

export interface LiveHarnessOptions {
  /** The fake realtime server's options (script, pacing, …). */
  realtime?: FakeRealtimeServerOptions;
  /** Flow fixtures (file names in test/fixtures/flows/runtime) to create and publish. */
  flows?: string[];
  /** Flow files (paths from the package root, e.g. `flows/dental-outreach.yaml`) to create and publish. */
  flowFiles?: string[];
  /** Extra environment (e.g. PARLEY_CONNECTORS). */
  env?: Record<string, string>;
  /** Number routes to create: number → flow id. */
  routes?: Record<string, string>;
  limits?: Partial<RuntimeLimits>;
  /** Collect the engine's log lines (pino JSON, `time` in epoch ms) here. */
  logLines?: Array<Record<string, unknown>>;
}

export interface LiveHarness {
  engine: Engine;
  app: FastifyInstance;
  port: number;
  realtime: FakeRealtimeServer;
  twilioRest: FakeTwilioRest;
  authToken: string;
  /** Signs a webhook request as Twilio would. */
  sign(pathAndQuery: string, params: Record<string, string>): string;
  /** POSTs a signed Twilio webhook; returns status and body. */
  webhook(pathAndQuery: string, params: Record<string, string>, signature?: string): Promise<{ status: number; body: string }>;
  /** An inbound call to `to`: the voice webhook, then a simulator on the media stream it names. */
  inboundCall(options: { to?: string; from?: string; script?: ConversationScript; pacing?: SimulatorPacing; stepTimeoutMs?: number }): Promise<{ callId: string; call: TwilioCallSimulator; session: CallSession }>;
  /** An outbound call through `POST /api/calls`, answered: the voice webhook, then the simulator. */
  outboundCall(options: { flowId: string; to?: string; context?: Record<string, unknown>; script?: ConversationScript; pacing?: SimulatorPacing; stepTimeoutMs?: number }): Promise<{ callId: string; call: TwilioCallSimulator; session: CallSession }>;
  /** Stops the fake realtime server (idempotent): every model connection fails from then on. */
  stopRealtime(): Promise<void>;
  /** The call record and its events. */
  record(callId: string): Promise<{ call: CallRecord; events: CallEvent[] }>;
  close(): Promise<void>;
}

/** A flow fixture of test/fixtures/flows/runtime, parsed. */
export async function readFlowFixture(name: string): Promise<Flow> {
  return parse(await readFile(fromRoot('test', 'fixtures', 'flows', 'runtime', name), 'utf8')) as Flow;
}

/** The `<Parameter name="callId">` of a `<Connect><Stream>` TwiML answer. */
export function callIdOf(twiml: string): string {
  const match = /<Parameter name="callId" value="([^"]+)"\/>/.exec(twiml);
  if (!match) throw new Error(`no callId parameter in TwiML: ${twiml}`);
  return match[1]!;
}

export async function startLiveHarness(options: LiveHarnessOptions = {}): Promise<LiveHarness> {
  const realtime = await createFakeRealtimeServer(options.realtime ?? {});
  const twilioRest = createFakeTwilioRest();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-live-'));
  const env = {
    PARLEY_FLOWS_DIR: '',
    // The harness loads the dental seeds itself, on its fixed clock.
    PARLEY_EXAMPLE_DATA: 'off',
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: 'sk-test-live-calls',
    OPENAI_REALTIME_URL: realtime.url,
    TWILIO_ACCOUNT_SID: twilioRest.accountSid,
    TWILIO_AUTH_TOKEN: twilioRest.authToken,
    TWILIO_FROM_NUMBER: FROM_NUMBER,
    PUBLIC_URL,
    ...options.env,
  };
  const config = loadConfig(env, { dataDir, port: 0 });
  const clock = createManualClock(Date.parse('2026-01-05T15:00:00Z'));
  const engine = await createEngine(config, {
    env: { ...env, TWILIO_SMS_FROM: FROM_NUMBER },
    twilioHttpClient: twilioRest.httpClient,
    clock,
    ...(options.limits ? { runtimeLimits: options.limits } : {}),
  });
  await loadCalendarSeed(engine.connectors.storageFor('calendar'), 'dental');
  await loadCrmSeed(engine.connectors.storageFor('crm'), 'dental', new Date(clock.now()));
  const lines = options.logLines;
  const app = await build({
    services: engine,
    logger: lines ? { level: 'info', stream: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) } } : false,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;

  const documents = [
    ...(await Promise.all((options.flows ?? []).map(readFlowFixture))),
    ...(await Promise.all((options.flowFiles ?? []).map(async (file) => parse(await readFile(fromRoot(file), 'utf8')) as Flow))),
  ];
  for (const flow of documents) {
    await engine.repositories.flows.create(flow);
    await engine.repositories.flows.publish(flow.id);
  }
  for (const [number, flowId] of Object.entries(options.routes ?? {})) await engine.repositories.numbers.create({ number, flowId });
  let realtimeStopped: Promise<void> | undefined;
  const stopRealtime = () => (realtimeStopped ??= realtime.close());

  const sign = (pathAndQuery: string, params: Record<string, string>) => twilio.getExpectedTwilioSignature(twilioRest.authToken, PUBLIC_URL + pathAndQuery, params);
  const webhook = async (pathAndQuery: string, params: Record<string, string>, signature = sign(pathAndQuery, params)) => {
    const response = await fetch(`http://127.0.0.1:${port}${pathAndQuery}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: await response.text() };
  };
  const simulators: TwilioCallSimulator[] = [];

  const connect = async (callId: string, callSid: string, script: ConversationScript | undefined, pacing: SimulatorPacing | undefined, stepTimeoutMs: number | undefined) => {
    const call = createTwilioCallSimulator({
      url: `ws://127.0.0.1:${port}/twilio/media`,
      authToken: twilioRest.authToken,
      signedUrl: `${PUBLIC_URL.replace('https', 'wss')}/twilio/media`,
      ids: { callSid, accountSid: twilioRest.accountSid },
      customParameters: { callId },
      ...(script ? { script } : {}),
      pacing: pacing ?? { mode: 'realtime', speed: 5 },
      ...(stepTimeoutMs ? { stepTimeoutMs } : {}),
    });
    simulators.push(call);
    const started = engine.runtime.whenCallStarted(callId);
    await call.start();
    return { callId, call, session: await started };
  };

  return {
    engine,
    app,
    port,
    realtime,
    twilioRest,
    authToken: twilioRest.authToken,
    sign,
    webhook,
    stopRealtime,
    async inboundCall({ to = CLINIC_NUMBER, from = MARIA, script, pacing, stepTimeoutMs }) {
      // The call exists at (fake) Twilio, so the engine's REST transfer and hang-up reach it.
      const { sid: callSid } = await twilioRest.client().calls.create({ to, from, url: `${PUBLIC_URL}/twilio/voice` });
      const answer = await webhook('/twilio/voice', { CallSid: callSid, AccountSid: twilioRest.accountSid, From: from, To: to, Direction: 'inbound', CallStatus: 'ringing' });
      if (answer.status !== 200) throw new Error(`voice webhook answered ${answer.status}: ${answer.body}`);
      return connect(callIdOf(answer.body), callSid, script, pacing, stepTimeoutMs);
    },
    async outboundCall({ flowId, to = MARIA, context, script, pacing, stepTimeoutMs }) {
      const placed = await app.inject({ method: 'POST', url: '/api/calls', payload: { to, flowId, ...(context ? { context } : {}) } });
      if (placed.statusCode !== 201) throw new Error(`POST /api/calls answered ${placed.statusCode}: ${placed.body}`);
      const call = placed.json() as CallRecord;
      const callSid = call.twilioSid!;
      const pathAndQuery = `/twilio/voice?callId=${encodeURIComponent(call.id)}`;
      const answer = await webhook(pathAndQuery, { CallSid: callSid, AccountSid: twilioRest.accountSid, From: FROM_NUMBER, To: to, Direction: 'outbound-api', CallStatus: 'in-progress' });
      if (answer.status !== 200) throw new Error(`voice webhook answered ${answer.status}: ${answer.body}`);
      return connect(callIdOf(answer.body), callSid, script, pacing, stepTimeoutMs);
    },
    async record(callId) {
      const { call, events } = await engine.repositories.calls.getDetail(callId);
      return { call, events: events.items };
    },
    async close() {
      for (const call of simulators) call.disconnect();
      await app.close();
      await engine.close();
      await stopRealtime();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
