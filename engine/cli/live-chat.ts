/**
 * `parley chat` with OPENAI_API_KEY: the real model plays the agent
 * (engine/flow-tests/live-chat-session.ts). Each line typed is a caller turn
 * sent as text; the agent's lines, stage changes, tools and context changes
 * are printed as they happen (the call's events as they are stored). `/dtmf`,
 * `/silence` (wall time), `/hangup` and the views work as in step mode;
 * `/call` and `/say` are refused: the model decides what it says and calls.
 */
import type { Readable } from 'node:stream';
import { createInterface, type Interface } from 'node:readline';
import { isParleyError } from '../errors/parley-error.js';
import { DEFAULTS, durationMs } from '../flow/flow-model.js';
import type { LiveChatSession } from '../flow-tests/live-chat-session.js';
import type { PreparedCase } from '../flow-tests/prepare-flow-tests.js';
import type { CallEvent } from '../store/call-event.js';
import type { Flow } from '../types/flow.generated.js';
import { createChatView } from './chat-view.js';
import type { CliIO } from './main.js';

export const LIVE_HELP = [
  'Type what the caller says; the real model answers (its lines print as they play):',
  '  /dtmf 1   /silence 8s   /hangup     the caller presses keys, stays silent (wall time), hangs up',
  '  /context  /instructions  /tools     what the model knows now',
  '  /quit                               hang up and show the outcome',
  '  (/call and /say are for step mode, --step: here the model decides)',
].join('\n');

/** How the live chat runs. */
export interface LiveChatRun {
  flow: Flow;
  testCase: PreparedCase;
  model: { url: string; apiKey: string };
  jsonEvents: boolean;
  /** Phone call time per wall-clock time; default 1. */
  speed?: number;
}

/** Runs the conversation; returns the exit code. */
export async function runLiveChat(run: LiveChatRun, io: CliIO, input: Readable): Promise<number> {
  const { startLiveChatSession } = await import('../flow-tests/live-chat-session.js');
  const { flow, testCase } = run;
  let chat: LiveChatSession | undefined;
  const view = createChatView(io, () => chat!, { jsonEvents: run.jsonEvents });
  const pending: CallEvent[] = [];
  // The interpreter moves on before its transition is stored, and the model is told of the stage once it is
  // connected: the stage is shown once its STAGE line is out and the model has its instructions (else after the turn).
  let recordedStage: string | null | undefined;
  const show = (events: CallEvent[]) => {
    view.printEvents(events);
    for (const event of events) if (event.kind === 'transition') recordedStage = event.data.to;
    if (chat && chat.state.stage === recordedStage && chat.modelStage === recordedStage) view.showState();
  };
  const onEvent = (event: CallEvent) => {
    // Events recorded while the call is being connected wait for the header.
    if (!chat) return void pending.push(event);
    show([event]);
  };
  try {
    chat = await startLiveChatSession(flow, testCase, { model: run.model, onEvent, ...(run.speed !== undefined ? { speed: run.speed } : {}) });
  } catch (error) {
    io.err(`parley chat: the call could not start: ${isParleyError(error) ? error.message : String(error)}`);
    return 1;
  }
  io.out(`parley chat — ${flow.name ?? flow.id} (${testCase.direction} call ${testCase.from} → ${testCase.to}) with the real model (${flow.agent.model ?? DEFAULTS.model}). You play the caller; /help for commands.`);
  show(pending.splice(0));

  const tty = (input as { isTTY?: boolean }).isTTY === true;
  const prompt = () => {
    if (tty) process.stdout.write('caller> ');
  };
  let code = 0;
  let lines: Interface | undefined;
  try {
    // The agent's first words (or the call waiting for the caller) before the first line is read.
    await chat.settle();
    show([]);
    // Created only now: lines a reader emits before the loop below takes them would be lost.
    lines = createInterface({ input, terminal: false });
    // A call the flow (or a timer) ends stops the reading at once, not at the next line.
    void chat.done.then(() => lines?.close());
    prompt();
    for await (const raw of lines) {
      const line = raw.trim();
      if (chat.over) break;
      const word = line.split(/\s+/)[1] ?? '';
      if (line === '') {
        // Nothing to do: the call goes on by itself.
      } else if (line === '/quit' || line === '/exit' || line === '/hangup') break;
      else if (line === '/help') io.out(LIVE_HELP);
      else if (line === '/context') view.showContext(true);
      else if (line === '/instructions') view.showInstructions(true);
      else if (line === '/tools') view.listTools();
      else if (line.startsWith('/call') || line.startsWith('/say')) io.out(`  ${line.split(/\s+/)[0]} is for step mode: here the real model decides what it says and calls (run with --step to play the model yourself).`);
      else if (line.startsWith('/dtmf')) {
        if (/^[0-9*#]+$/.test(word)) await chat.press(word);
        else io.out('  /dtmf needs keys: /dtmf 1');
      } else if (line.startsWith('/silence')) {
        if (/^[0-9]+(ms|s|m)$/.test(word)) await chat.silence(durationMs(word as `${number}s`));
        else io.out('  /silence needs a duration: /silence 8s');
      } else if (line.startsWith('/')) io.out(`  unknown command ${line.split(/\s+/)[0]}; /help lists them`);
      else await chat.say(line);
      show([]);
      if (chat.over) break;
      prompt();
    }
    await chat.hangUp();
    io.out(`call over: ${chat.state.status}, last stage ${chat.state.stage ?? '(none)'}`);
  } catch (error) {
    io.err(`parley chat: ${isParleyError(error) ? error.message : String(error)}`);
    code = 1;
  } finally {
    lines?.close();
    await chat.close();
  }
  return code;
}
