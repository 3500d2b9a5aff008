/**
 * A case's call with the model played by a ModelPlayer through the fake
 * realtime server, on call time (the simulator paced by hand, the flow's
 * timers on the call clock): how a flow test runs a case, and how
 * `parley chat` runs step mode.
 */
import type { CallEvent } from '../store/call-event.js';
import type { ResponderContext } from '../testing/conversation-script.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../testing/fake-realtime-server.js';
import type { Flow } from '../types/flow.generated.js';
import { CallClock } from './call-clock.js';
import { CallDriver, type DriverLimits } from './call-driver.js';
import { ModelPlayer } from './model-player.js';
import type { CallerStep, PreparedCase } from './prepare-flow-tests.js';
import { startCaseCall, type CaseCall } from './start-case-call.js';

export interface PlayedCall {
  readonly call: CaseCall;
  readonly realtime: FakeRealtimeServer;
  readonly player: ModelPlayer;
  readonly clock: CallClock;
  readonly driver: CallDriver;
  /** The caller's action (the speech recognition reports a line as `heardAs`, else as said); returns once it is under way. */
  callerActs(caller: CallerStep | undefined): Promise<void>;
  /** The call's events recorded since the last read. */
  readEvents(): Promise<CallEvent[]>;
  /** Closes the call's engine and the fake server. */
  close(): Promise<void>;
}

export interface PlayedCallOptions {
  /** Bounds of the driver's waits. */
  limits?: Partial<DriverLimits>;
  /** Told about each response the engine asks for, before the player answers it. */
  onResponse?: (context: ResponderContext) => void;
}

/** Starts the case's call (seeds, setup, context, numbers, `now`) with the model played. */
export async function startPlayedCall(flow: Flow, testCase: PreparedCase, options: PlayedCallOptions = {}): Promise<PlayedCall> {
  const clock = new CallClock(testCase.now !== undefined ? Date.parse(testCase.now) : Date.now());
  const player = new ModelPlayer();
  // What the speech recognition reports for the caller's lines, in order.
  const transcripts: string[] = [];
  let realtime: FakeRealtimeServer | undefined;
  let call: CaseCall | undefined;
  try {
    realtime = await createFakeRealtimeServer({
      responder: (context) => {
        options.onResponse?.(context);
        return player.respond(context);
      },
      outOfBandResponder: (context) => player.respondOutOfBand(context),
      transcribe: ({ index }) => transcripts[index] ?? '',
    });
    call = await startCaseCall({
      flow,
      testCase,
      model: { url: realtime.url, apiKey: 'sk-parley-played-call' },
      clock,
      timers: clock,
      pacing: { mode: 'manual' },
      onSimulator: (simulator) => clock.attach(simulator),
    });
  } catch (error) {
    await call?.close().catch(() => undefined);
    await realtime?.close().catch(() => undefined);
    throw error;
  }
  player.setupResults = call.setupResults;
  const { session, callId } = call;
  const calls = call.engine.repositories.calls;
  let afterSeq = 0;
  const started = call;
  const server = realtime;
  const driver = new CallDriver(session, call.simulator, clock, options.limits);
  return {
    call,
    realtime,
    player,
    clock,
    driver,
    async callerActs(caller) {
      switch (caller?.kind) {
        case 'says':
          transcripts.push(caller.heardAs ?? caller.text);
          driver.say(caller.text);
          break;
        case 'presses':
          driver.press(caller.digits);
          break;
        case 'silence':
          driver.silence(caller.ms);
          break;
        case 'hangsUp':
          await driver.hangUp();
          break;
        case undefined:
          break;
      }
    },
    async readEvents() {
      await session.flushRecord();
      const page = await calls.listEvents(callId, { afterSeq });
      if (page.items.length > 0) afterSeq = page.items.at(-1)!.seq;
      return page.items;
    },
    async close() {
      await started.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    },
  };
}
