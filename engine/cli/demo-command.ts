/**
 * `parley demo` (`npm run demo`): a complete simulated outbound call with the
 * dental-outreach flow, offline and without keys. The real engine runs on real
 * loopback sockets; only the vendors are Parley's test doubles: the fake OpenAI
 * Realtime server plays the model from a script, the Twilio call simulator
 * plays the phone, the fake Twilio REST API places the call and takes the SMS.
 * It prints the call's timeline as it happens (stages, who said what, tools
 * with arguments and results, the SMS, the end) and leaves the call in the
 * store (`./data` by default) for the API.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { loadCalendarSeed } from '../../connectors/calendar/seed.js';
import { loadCrmSeed } from '../../connectors/crm/seed.js';
import { loadConfig } from '../config/load-config.js';
import { createEngine, type Engine } from '../engine.js';
import { ParleyError, isParleyError } from '../errors/parley-error.js';
import { loadFlowFile } from '../flow/load-flow-file.js';
import { build } from '../server/app.js';
import type { CallRecord } from '../store/call-repository.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../testing/fake-realtime-server.js';
import { createFakeTwilioRest } from '../testing/fake-twilio-rest.js';
import { createTwilioCallSimulator, type TwilioCallSimulator } from '../testing/twilio-call-simulator.js';
import type { Flow } from '../types/flow.generated.js';
import { fromRoot } from '../util/package-root.js';
import type { CliIO, Command } from './main.js';
import { dentalOutreachDemoScript } from './demo-script.js';
import { describeCallEvent } from './describe-call-event.js';

/** The flow the demo publishes, under its own id so it never touches a flow of yours. */
export const DEMO_FLOW_ID = 'dental-outreach-demo';
/** Maria Garcia in the CRM's dental example data: two children, Tony and Paula. */
const PARENT = '+15125550142';
const CLINIC = '+15125550100';
/** Never contacted: Twilio's requests are signed for it by the demo itself. */
const PUBLIC_URL = 'https://parley-demo.invalid';
/** How often the timeline reads the call record while the call runs. */
const TIMELINE_POLL_MS = 200;

/** The bundled dental-outreach flow, which the demo script is written for. */
function defaultFlowFile(): string {
  return fromRoot('flows', 'dental-outreach.yaml');
}

export const demoCommand: Command = {
  summary: 'Run a complete simulated dental-outreach call offline (no keys, no network) and print its timeline.',
  usage: 'parley demo [--data <dir>] [--flow <file>] [--speed <n>]\n\n--data   where the call is stored (default ./data, as `parley serve`)\n--flow   the flow to run (default: flows/dental-outreach.yaml; the script follows its intents and tools)\n--speed  call time against the wall clock (default 4: four times faster than a real call)',
  async run(args, io) {
    let values: { data?: string; flow?: string; speed?: string };
    try {
      ({ values } = parseArgs({ args, options: { data: { type: 'string' }, flow: { type: 'string' }, speed: { type: 'string' } }, strict: true }));
    } catch (error) {
      io.err(`parley demo: ${(error as Error).message}\n\nUsage: ${this.usage}`);
      return 2;
    }
    const speed = values.speed === undefined ? 4 : Number(values.speed);
    if (!Number.isFinite(speed) || speed < 1 || speed > 20) {
      io.err('parley demo: --speed must be a number from 1 to 20');
      return 2;
    }
    try {
      return await runDemo({ flowFile: path.resolve(values.flow ?? defaultFlowFile()), ...(values.data ? { dataDir: values.data } : {}), speed }, io);
    } catch (error) {
      if (isParleyError(error)) {
        io.err(`parley demo: ${error.message}\nhint: ${error.hint}`);
        return 1;
      }
      throw error;
    }
  },
};

interface DemoOptions {
  flowFile: string;
  dataDir?: string;
  speed: number;
}

async function runDemo(options: DemoOptions, io: CliIO): Promise<number> {
  const loaded = await loadFlowFile(options.flowFile);
  const syntax = loaded.findings[0];
  if (syntax || typeof loaded.value !== 'object' || loaded.value === null) {
    throw new ParleyError('FLOW_SYNTAX', `${options.flowFile}: ${syntax?.message ?? 'not a flow document'}`);
  }
  const flow = { ...(loaded.value as Flow), id: DEMO_FLOW_ID };
  const script = dentalOutreachDemoScript();
  // Twilio's SIDs never repeat; calls of earlier demos are in the same store.
  const twilioRest = createFakeTwilioRest({ sidOffset: Date.now() });
  const realtime = await createFakeRealtimeServer({
    script,
    // A slow tool's filler is an out-of-band response: say the line it asks for.
    outOfBandResponder: (ctx) => ({ say: String((ctx.request as { instructions?: string } | undefined)?.instructions ?? '').split('\n').at(-1) ?? '' }),
  });
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    PARLEY_FLOWS_DIR: '',
    OPENAI_API_KEY: 'sk-parley-demo',
    OPENAI_REALTIME_URL: realtime.url,
    TWILIO_ACCOUNT_SID: twilioRest.accountSid,
    TWILIO_AUTH_TOKEN: twilioRest.authToken,
    TWILIO_FROM_NUMBER: CLINIC,
    TWILIO_SMS_FROM: CLINIC,
    PUBLIC_URL,
  };
  const config = loadConfig(env, { port: 0, host: '127.0.0.1', ...(options.dataDir ? { dataDir: options.dataDir } : process.env.PARLEY_DATA_DIR ? { dataDir: process.env.PARLEY_DATA_DIR } : {}) });
  const engine = await createEngine(config, { env, twilioHttpClient: twilioRest.httpClient });
  const app = await build({ services: engine, logger: false });
  let call: TwilioCallSimulator | undefined;
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    await ensureDemoData(engine, flow);

    io.out(`Parley demo: a simulated outbound call with "${flow.name}"`);
    io.out('Offline: the model is the fake OpenAI Realtime server, the phone is the Twilio call simulator, Twilio REST is faked. Real engine, real sockets.\n');

    // 1. Place the call (POST /api/calls → Twilio REST), 2. Twilio answers and asks for TwiML, 3. the media stream connects.
    const placed = await app.inject({ method: 'POST', url: '/api/calls', payload: { to: PARENT, flowId: DEMO_FLOW_ID } });
    if (placed.statusCode !== 201) throw new Error(`POST /api/calls answered ${placed.statusCode}: ${placed.body}`);
    const record = placed.json() as CallRecord;
    const voicePath = `/twilio/voice?callId=${encodeURIComponent(record.id)}`;
    const form = { CallSid: record.twilioSid!, AccountSid: twilioRest.accountSid, From: CLINIC, To: PARENT, Direction: 'outbound-api', CallStatus: 'in-progress' };
    const twiml = await fetch(`http://127.0.0.1:${port}${voicePath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': getExpectedTwilioSignature(twilioRest.authToken, PUBLIC_URL + voicePath, form) },
      body: new URLSearchParams(form).toString(),
    }).then((response) => response.text());
    const callId = /<Parameter name="callId" value="([^"]+)"\/>/.exec(twiml)?.[1];
    if (!callId) throw new Error(`Twilio's voice webhook did not bridge the call: ${twiml}`);

    call = createTwilioCallSimulator({
      url: `ws://127.0.0.1:${port}/twilio/media`,
      authToken: twilioRest.authToken,
      signedUrl: `${PUBLIC_URL.replace('https', 'wss')}/twilio/media`,
      ids: { callSid: record.twilioSid!, accountSid: twilioRest.accountSid },
      customParameters: { callId },
      script,
      pacing: { mode: 'realtime', speed: options.speed },
      stepTimeoutMs: 20_000,
    });
    const started = engine.runtime.whenCallStarted(callId);
    await call.start();
    const session = await started;
    const timeline = printTimeline(engine, callId, io);
    await call.play();
    await session.done;
    await timeline.stop();

    for (const message of twilioRest.messages) io.out(`  SMS    to ${message.to} (${message.sid}, ${message.status}): "${message.body}"`);
    const { call: final } = await engine.repositories.calls.getDetail(callId, { limit: 1 });
    io.out(`  END    ${final.status} (${final.endReason ?? 'no reason'}), outcome ${JSON.stringify(final.outcome ?? {})}`);
    io.out(`\nCall ${callId} is stored in ${config.dataDir}. Run \`parley serve\` and read it with GET /api/calls/${callId}.`);
    return script.describe().includes('[pending]') || realtime.issues.length > 0 ? reportIssues(realtime, io) : 0;
  } finally {
    call?.disconnect();
    await app.close();
    await engine.close();
    await realtime.close();
  }
}

/** Publishes the demo flow (a new version only when it changed) and makes sure the example household and calendar exist. */
async function ensureDemoData(engine: Engine, flow: Flow): Promise<void> {
  const flows = engine.repositories.flows;
  const existing = await flows.get(DEMO_FLOW_ID).catch(() => null);
  if (!existing) await flows.create(flow);
  const current = await flows.getCurrent(DEMO_FLOW_ID);
  if (!current || JSON.stringify(current.document) !== JSON.stringify(flow)) {
    if (existing) await flows.saveDraft(DEMO_FLOW_ID, flow);
    await flows.publish(DEMO_FLOW_ID, { notes: 'parley demo' });
  }
  const connectors = engine.connectors;
  const hours = await connectors.invoke('calendar.getHours', { calendar: 'jefferson-dental' });
  if (!hours.ok) await loadCalendarSeed(connectors.storageFor('calendar'), 'dental');
  const parent = await connectors.invoke('crm.lookupContact', { phone: PARENT });
  if (!parent.ok || parent.result.found !== true) await loadCrmSeed(connectors.storageFor('crm'), 'dental');
}

/** Prints the call's events as they are recorded; `stop()` prints the rest. */
function printTimeline(engine: Engine, callId: string, io: CliIO): { stop(): Promise<void> } {
  let afterSeq = 0;
  let startedAt: number | undefined;
  let reading: Promise<void> = Promise.resolve();
  const read = () =>
    (reading = reading.then(async () => {
      const page = await engine.repositories.calls.listEvents(callId, { afterSeq });
      for (const event of page.items) {
        afterSeq = event.seq;
        startedAt ??= Date.parse(event.at);
        const line = describeCallEvent(event);
        if (line) io.out(`${((Date.parse(event.at) - startedAt) / 1000).toFixed(2).padStart(6)}s  ${line}`);
      }
    }));
  const timer = setInterval(() => void read(), TIMELINE_POLL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await read();
    },
  };
}

function reportIssues(realtime: FakeRealtimeServer, io: CliIO): number {
  io.err('\nThe simulated call did not go as scripted:');
  for (const issue of realtime.issues) io.err(`  ${issue.kind}: ${issue.message}`);
  return 1;
}
