/**
 * `parley chat <flow>`: a text conversation with a flow in the terminal, on
 * the real engine, showing the stage, its rendered instructions (shortened;
 * `/instructions` for all), the functions offered and the context as it
 * changes (chat-view.ts). Two modes:
 *
 * - With OPENAI_API_KEY (and not `--step`): the real model plays the agent
 *   (live-chat.ts). Each line is a caller turn sent as text; the agent's lines
 *   print as they play.
 * - Step mode — the person plays the model (engine/flow-tests/chat-session.ts,
 *   the fake realtime server). A line of text is what the caller says; `/call`
 *   and `/say` lines after it are what the model does in the responses the
 *   engine then asks for, one per response; the turn runs at an empty line
 *   (or the next caller action).
 *
 * Reads stdin line by line, so a script can be piped in. Exit 0 when the
 * conversation ran, 1 when the flow has errors or the call failed, 2 on usage
 * or I/O errors.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isParleyError } from '../errors/parley-error.js';
import { durationMs } from '../flow/flow-model.js';
import type { CallerStep, ModelStep, PreparedCase } from '../flow-tests/prepare-flow-tests.js';
import type { Flow } from '../types/flow.generated.js';
import { createChatView } from './chat-view.js';
import type { CliIO, Command } from './main.js';

const USAGE = [
  'parley chat <flow> [--seed <connector>=<set>]... [--context <name>=<value>]... [--to <number>] [--from <number>] [--outbound] [--now <ISO time>] [--step] [--json-events]',
  '',
  '  A conversation with a flow on the real engine. With OPENAI_API_KEY set, the real model (OPENAI_REALTIME_URL) is the agent',
  '  and every line you type is what the caller says (/dtmf, /silence, /hangup as below). Without a key, or with --step,',
  '  you play the caller and the model, one turn at a time:',
  '    <text>                  the caller says <text>; then, for the responses the engine asks for:',
  '    /call <function> {json}  the model calls an intent or a tool (arguments as JSON)',
  '    /say <text>             the model says <text>',
  '    (empty line)            run the turn (the model says a short neutral line for responses not given)',
  '    /dtmf <keys>  /silence <duration>  /hangup    other caller actions',
  '    /context  /instructions  /tools  /help  /quit',
  '  --seed calendar=dental   data for a connector (as a test case\'s `seeds`); repeatable',
  '  --context name=value     a context value (JSON, else text; dotted names nest); repeatable',
  '  --to, --from             the numbers (E.164); --outbound: the flow calls --to',
  '  --now <time>             when the call starts (default now)',
  '  --step                   you play the model even when OPENAI_API_KEY is set',
  '  --json-events            print the call\'s events as JSON lines instead of readable lines',
  '',
  '  Exit status: 0 the conversation ran, 1 the flow has errors, 2 usage or I/O error.',
].join('\n');

const HELP = [
  'Type what the caller says, then what the model does in its responses, then an empty line to run the turn:',
  '  /call <function> {"arg": "value"}   the model calls an intent or a tool',
  '  /say <text>                         the model says a line',
  '  /dtmf 1   /silence 8s   /hangup     the caller presses keys, stays silent, hangs up',
  '  /context  /instructions  /tools     what the model knows now',
  '  /quit                               hang up and show the outcome',
].join('\n');

/** Parsed arguments. */
export interface ChatArgs {
  flow: string;
  seeds: Record<string, string[]>;
  context: Record<string, unknown>;
  to?: string;
  from?: string;
  outbound: boolean;
  now?: string;
  /** Step mode even with a key: the person plays the model. */
  step: boolean;
  jsonEvents: boolean;
}

/** What the command reads from its surroundings; tests pass their own. */
export interface ChatCommandOptions {
  /** Default `process.env`: OPENAI_API_KEY picks the real model, OPENAI_REALTIME_URL where it is. */
  env?: NodeJS.ProcessEnv;
  /** Phone call time per wall-clock time with the real model (tests against the fake realtime server go faster). Default 1. */
  speed?: number;
}

/** `a.b=1` → `{ a: { b: 1 } }`, the value as JSON when it parses. */
function setContext(context: Record<string, unknown>, name: string, text: string): void {
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Plain text.
  }
  const parts = name.split('.');
  let target = context;
  for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
  target[parts.at(-1)!] = value;
}

export function parseChatArgs(args: readonly string[]): ChatArgs | string {
  const parsed: Partial<ChatArgs> & { seeds: Record<string, string[]>; context: Record<string, unknown> } = { seeds: {}, context: {}, outbound: false, step: false, jsonEvents: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [option, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    switch (option) {
      case '--seed':
      case '--context': {
        const text = value();
        const at = text?.indexOf('=') ?? -1;
        if (text === undefined || at <= 0) return `${option} needs <name>=<value>, e.g. ${option === '--seed' ? '--seed calendar=dental' : '--context customer.name=Maria'}`;
        if (option === '--seed') (parsed.seeds[text.slice(0, at)] ??= []).push(text.slice(at + 1));
        else setContext(parsed.context, text.slice(0, at), text.slice(at + 1));
        break;
      }
      case '--to':
      case '--from':
      case '--now': {
        const text = value();
        if (text === undefined) return `${option} needs a value`;
        if (option !== '--now' && !/^\+[1-9][0-9]{6,14}$/.test(text)) return `${option} needs a phone number in E.164 form, e.g. +15125550142`;
        if (option === '--now' && Number.isNaN(Date.parse(text))) return '--now needs an ISO 8601 time, e.g. 2026-01-06T15:00:00Z';
        parsed[option.slice(2) as 'to' | 'from' | 'now'] = text;
        break;
      }
      case '--outbound':
        parsed.outbound = true;
        break;
      case '--json-events':
        parsed.jsonEvents = true;
        break;
      case '--step':
        parsed.step = true;
        break;
      default:
        if (arg.startsWith('-')) return `unknown option ${arg}`;
        if (parsed.flow !== undefined) return 'name one flow file';
        parsed.flow = arg;
    }
  }
  if (parsed.flow === undefined) return 'name the flow file to chat with, e.g. parley chat flows/home-services.yaml';
  return parsed as ChatArgs;
}

/** The model's next action from a `/call` or `/say` line; a string is what is wrong. */
export function parseModelLine(line: string): ModelStep | string {
  if (line.startsWith('/say ')) {
    const says = line.slice(5).trim();
    return says ? { says, calls: [], pointer: '' } : '/say needs the text the model says';
  }
  const match = /^\/call\s+(\S+)\s*(.*)$/.exec(line);
  if (!match) return '/call needs a function name: /call <function> {"arg": "value"}';
  let args: unknown = {};
  if (match[2]!.trim() !== '') {
    try {
      args = JSON.parse(match[2]!);
    } catch (error) {
      return `the arguments of /call must be a JSON object: ${(error as Error).message}`;
    }
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return 'the arguments of /call must be a JSON object, e.g. {"name": "Maria"}';
  return { calls: [{ name: match[1]!, with: args as Record<string, unknown> }], pointer: '' };
}

export async function runChat(args: string[], io: CliIO, input: Readable = process.stdin, options: ChatCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const parsed = parseChatArgs(args);
  if (typeof parsed === 'string') {
    io.err(`parley chat: ${parsed}\n\nUsage: ${USAGE}`);
    return 2;
  }
  const { loadFlowFile } = await import('../flow/load-flow-file.js');
  const { lintFlow } = await import('../flow/lint-flow.js');
  const { startChatSession } = await import('../flow-tests/chat-session.js');
  const { DEFAULT_BUSINESS_NUMBER, DEFAULT_PERSON_NUMBER } = await import('../flow-tests/prepare-flow-tests.js');
  const { SEED_LOADERS } = await import('../flow-tests/connector-seeds.js');
  let loaded;
  try {
    loaded = await loadFlowFile(parsed.flow);
  } catch (error) {
    io.err(`parley chat: ${isParleyError(error) ? error.message : String(error)}`);
    return 2;
  }
  const errors = lintFlow(loaded).findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    io.err(`parley chat: ${parsed.flow} has ${errors.length} error${errors.length === 1 ? '' : 's'}; the first: ${first.position ? `${first.position.line}:${first.position.column} ` : ''}${first.message} [${first.code}]\nhint: run \`parley validate ${parsed.flow}\``);
    return 1;
  }
  for (const [connector, sets] of Object.entries(parsed.seeds)) {
    const loader = SEED_LOADERS[connector];
    if (!loader) return usage(io, `no seed data loads into \`${connector}\`; seeds load into ${Object.keys(SEED_LOADERS).join(', ')}`);
    const unknown = sets.find((set) => !loader.names.includes(set));
    if (unknown) return usage(io, `the ${connector} connector has no seed set \`${unknown}\` (it has ${loader.names.join(', ')})`);
  }
  const direction = parsed.outbound ? 'outbound' : 'inbound';
  const testCase: PreparedCase = {
    index: 0,
    name: 'parley chat',
    pointer: '',
    direction,
    from: parsed.from ?? (direction === 'inbound' ? DEFAULT_PERSON_NUMBER : DEFAULT_BUSINESS_NUMBER),
    to: parsed.to ?? (direction === 'inbound' ? DEFAULT_BUSINESS_NUMBER : DEFAULT_PERSON_NUMBER),
    ...(parsed.now !== undefined ? { now: parsed.now } : {}),
    ...(Object.keys(parsed.context).length > 0 ? { context: parsed.context } : {}),
    ...(Object.keys(parsed.seeds).length > 0 ? { seeds: parsed.seeds } : {}),
    setup: [],
    faults: [],
    turns: [],
    problems: [],
  };
  const flow = loaded.value as Flow;
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (apiKey && !parsed.step) {
    const { loadConfig } = await import('../config/load-config.js');
    const { runLiveChat } = await import('./live-chat.js');
    const url = loadConfig({ OPENAI_REALTIME_URL: env.OPENAI_REALTIME_URL, PARLEY_FLOWS_DIR: '' }).openai.realtimeUrl;
    return runLiveChat({ flow, testCase, model: { url, apiKey }, jsonEvents: parsed.jsonEvents, ...(options.speed !== undefined ? { speed: options.speed } : {}) }, io, input);
  }
  let chat;
  try {
    chat = await startChatSession(flow, testCase);
  } catch (error) {
    io.err(`parley chat: the call could not start: ${isParleyError(error) ? error.message : String(error)}`);
    return 1;
  }

  const view = createChatView(io, () => chat, { jsonEvents: parsed.jsonEvents });
  const { printEvents, showState } = view;

  let pending: { caller?: CallerStep; agent: ModelStep[] } = { agent: [] };
  const runPending = async () => {
    if (pending.caller === undefined && pending.agent.length === 0) return;
    const { caller, agent } = pending;
    pending = { agent: [] };
    const result = await chat.turn(caller, agent);
    printEvents(result.events);
    for (const unused of result.unused) io.out(`  (not played: the engine asked for no response for ${unused.calls.length > 0 ? `/call ${unused.calls[0]!.name}` : `/say ${unused.says ?? ''}`})`);
    showState();
  };

  io.out(`parley chat — ${flow.name ?? flow.id} (${direction} call ${testCase.from} → ${testCase.to}). You play the caller and the model; /help for commands.`);
  printEvents(chat.opening);
  showState();

  const lines = createInterface({ input, terminal: false });
  const prompt = () => {
    if (!(input as { isTTY?: boolean }).isTTY) return;
    process.stdout.write(pending.caller !== undefined || pending.agent.length > 0 ? 'model> ' : 'caller> ');
  };
  prompt();
  let code = 0;
  try {
    for await (const raw of lines) {
      const line = raw.trim();
      if (chat.over) break;
      if (line === '') await runPending();
      else if (line === '/quit' || line === '/exit') break;
      else if (line === '/help') io.out(HELP);
      else if (line === '/context') view.showContext(true);
      else if (line === '/instructions') view.showInstructions(true);
      else if (line === '/tools') view.listTools();
      else if (line.startsWith('/call') || line.startsWith('/say')) {
        const step = parseModelLine(line);
        if (typeof step === 'string') io.out(`  ${step}`);
        else pending.agent.push(step);
      } else if (line.startsWith('/dtmf') || line.startsWith('/silence') || line === '/hangup') {
        const word = line.split(/\s+/)[1] ?? '';
        let caller: CallerStep | undefined;
        if (line === '/hangup') caller = { kind: 'hangsUp' };
        else if (line.startsWith('/dtmf')) caller = /^[0-9*#]+$/.test(word) ? { kind: 'presses', digits: word } : undefined;
        else caller = /^[0-9]+(ms|s|m)$/.test(word) ? { kind: 'silence', ms: durationMs(word as `${number}s`) } : undefined;
        if (!caller) io.out(line.startsWith('/dtmf') ? '  /dtmf needs keys: /dtmf 1' : '  /silence needs a duration: /silence 8s');
        else {
          await runPending();
          pending.caller = caller;
          // Keys, silence and hanging up need no model move to be typed first.
          await runPending();
        }
      } else if (line.startsWith('/')) io.out(`  unknown command ${line.split(/\s+/)[0]}; /help lists them`);
      else {
        await runPending();
        pending.caller = { kind: 'says', text: line };
      }
      if (chat.over) break;
      prompt();
    }
    if (!chat.over) await runPending();
    printEvents(await chat.hangUp());
    io.out(`call over: ${chat.state.status}, last stage ${chat.state.stage ?? '(none)'}`);
  } catch (error) {
    io.err(`parley chat: ${isParleyError(error) ? error.message : String(error)}`);
    code = 1;
  } finally {
    lines.close();
    await chat.close();
  }
  return code;
}

function usage(io: CliIO, message: string): number {
  io.err(`parley chat: ${message}\n\nUsage: ${USAGE}`);
  return 2;
}

export const chatCommand: Command = {
  summary: 'Talk to a flow in the terminal on the real engine: through the real model with OPENAI_API_KEY, else you play the caller and the model.',
  usage: USAGE,
  run: (args, io) => runChat(args, io),
};
