/**
 * Plays the model in a flow test: the fake realtime server asks it for every
 * response the engine requests, and it answers with the current turn's model
 * actions, one per response, in order. What the engine asks for beyond them
 * gets a short neutral line, and a response that must say a line word for
 * word (a stage's `say`, a number's greeting: `tool_choice: none` with the
 * line in the instructions) says that line and takes no action — the engine
 * wrote it, not the model.
 *
 * `{{tool.path}}` in an action reads the latest result of that tool as the
 * model received it (the conversation's `function_call_output`), so a case
 * can book "the first slot offered" without knowing it in advance.
 */
import type { ModelTurn, ResponderContext } from '../testing/conversation-script.js';
import type { ModelStep, PreparedTurn } from './prepare-flow-tests.js';
import { readPath } from './match-value.js';
import { resolveReferences } from './resolve-references.js';

/** What the model says when the engine asks for a response the turn gives no action for. */
export const NEUTRAL_LINE = 'Okay.';

/** A response the player gave. */
export interface PlayedResponse {
  /** The turn it belonged to (undefined: before the first turn began). */
  turn: number | undefined;
  /** Why the engine asked (`stage`, `turn`, `tools`, `reprompt`, …). */
  purpose: string;
  kind: 'action' | 'verbatim' | 'neutral';
  /** The action played, for `action`. */
  step?: ModelStep;
}

/** Something the player could not do as written. */
export interface PlayerProblem {
  turn: number | undefined;
  pointer: string;
  message: string;
}

/** The model's side of a flow test's call. */
export class ModelPlayer {
  readonly responses: PlayedResponse[] = [];
  readonly problems: PlayerProblem[] = [];
  /** Named results of the case's setup steps, also readable as `{{name.path}}` (known once the setup ran). */
  setupResults: Readonly<Record<string, unknown>> = {};
  private turn: PreparedTurn | undefined;
  private queue: ModelStep[] = [];

  /** From now on, responses play this turn's actions. */
  begin(turn: PreparedTurn): void {
    this.turn = turn;
    this.queue = [...turn.agent];
  }

  /** Ends the turn; returns the actions no response took. */
  end(): ModelStep[] {
    const unused = this.queue;
    this.queue = [];
    return unused;
  }

  /** Responses given during a turn. */
  responsesOf(turn: number): PlayedResponse[] {
    return this.responses.filter((response) => response.turn === turn);
  }

  /** The fake realtime server's responder (in-band responses). */
  readonly respond = (ctx: ResponderContext): ModelTurn => {
    const purpose = purposeOf(ctx);
    const verbatim = verbatimLine(ctx);
    if (verbatim !== undefined) {
      this.responses.push({ turn: this.turn?.index, purpose, kind: 'verbatim' });
      return { say: verbatim };
    }
    const step = this.queue.shift();
    if (!step) {
      this.responses.push({ turn: this.turn?.index, purpose, kind: 'neutral' });
      return { say: NEUTRAL_LINE };
    }
    this.responses.push({ turn: this.turn?.index, purpose, kind: 'action', step });
    const { value, missing } = resolveReferences({ says: step.says, calls: step.calls }, (path) => this.lookup(ctx, path));
    for (const reference of missing) {
      this.problems.push({
        turn: this.turn?.index,
        pointer: step.pointer,
        message: `\`{{${reference}}}\` names nothing the model has seen: no tool \`${reference.split('.')[0]}\` has returned that (and no setup step has that name).`,
      });
    }
    return {
      ...(value.says !== undefined ? { say: value.says } : {}),
      ...(value.calls.length > 0 ? { calls: value.calls.map((call) => ({ name: call.name, arguments: call.with })) } : {}),
    };
  };

  /** The out-of-band responder (a slow tool's filler): says the line it is asked to say. */
  readonly respondOutOfBand = (ctx: ResponderContext): ModelTurn => ({ say: verbatimLine(ctx) ?? NEUTRAL_LINE });

  /** `tool.path`: the latest result of `tool` in the conversation, as the model received it; else a setup result. */
  private lookup(ctx: ResponderContext, path: string): unknown {
    const [name, ...rest] = path.split('.');
    const result = latestResult(ctx, name!);
    if (result !== undefined) return rest.length === 0 ? result : readPath(result, rest.join('.'));
    if (Object.hasOwn(this.setupResults, name!)) {
      const value = this.setupResults[name!];
      return rest.length === 0 ? value : readPath(value, rest.join('.'));
    }
    return undefined;
  }
}

/** The purpose Parley gave the response (`metadata.purpose`), or `model` when the server started it. */
function purposeOf(ctx: ResponderContext): string {
  const metadata = ctx.request?.metadata as Record<string, unknown> | undefined;
  return typeof metadata?.purpose === 'string' ? metadata.purpose : 'model';
}

/** The line of a "say exactly this" response: no tools allowed, the line after the instruction's first line. */
function verbatimLine(ctx: ResponderContext): string | undefined {
  if (ctx.request?.tool_choice !== 'none') return undefined;
  const instructions = typeof ctx.request.instructions === 'string' ? ctx.request.instructions : '';
  const newline = instructions.indexOf('\n');
  return newline < 0 ? undefined : instructions.slice(newline + 1);
}

/** The `result` of the latest output of a call to `tool` in the conversation (what the model was told). */
function latestResult(ctx: ResponderContext, tool: string): unknown {
  const items = ctx.conversation;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type !== 'function_call' || item.name !== tool) continue;
    const output = items.find((other) => other.type === 'function_call_output' && other.call_id === item.call_id);
    if (!output) continue;
    try {
      const parsed = JSON.parse(String(output.output)) as { status?: string; result?: unknown };
      return parsed.result ?? parsed;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
