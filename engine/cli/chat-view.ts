/**
 * What `parley chat` prints about a call, in both modes (you play the model,
 * or the real model plays): the call's events as readable lines (or JSON),
 * the stage when it changes with the end of its rendered instructions and the
 * functions offered, and the context values that changed.
 */
import type { ModelView } from '../flow-tests/chat-session.js';
import type { CallEvent } from '../store/call-event.js';
import { describeCallEvent } from './describe-call-event.js';
import type { CliIO } from './main.js';

/** A call as the view reads it. */
export interface ChatViewSource {
  readonly state: { stage: string | null; context: Readonly<Record<string, unknown>> };
  readonly model: ModelView;
  readonly over: boolean;
}

export interface ChatView {
  printEvents(events: readonly CallEvent[]): void;
  /** The stage (with its instructions and tools) when it changed, then the context values that changed. */
  showState(): void;
  /** The instructions: shortened to their end (the stage's guidance), or all of them. */
  showInstructions(full: boolean): void;
  /** Every function offered, with its description and parameters (`/tools`). */
  listTools(): void;
  /** The context: all of it, or what changed since it was last shown. */
  showContext(all: boolean): void;
}

/** Characters of instructions shown at a stage change. */
const INSTRUCTIONS_SHOWN = 400;

/** `text…` past `max` characters. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function createChatView(io: CliIO, source: () => ChatViewSource, options: { jsonEvents: boolean }): ChatView {
  let shownStage: string | null = null;
  let shownContext: Record<string, unknown> = {};
  // The stage's guidance comes last in the instructions, after the agent's own: the end is what changes.
  const showInstructions = (full: boolean) => {
    const { instructions } = source().model;
    const flat = instructions.replace(/\s+/g, ' ').trim();
    io.out(full ? instructions : `instructions: ${flat.length > INSTRUCTIONS_SHOWN ? `…${flat.slice(-(INSTRUCTIONS_SHOWN - 1))}  (/instructions for all)` : flat}`);
  };
  const showTools = () => {
    const { tools } = source().model;
    io.out(`tools: ${tools.length === 0 ? 'none' : tools.map((tool) => tool.name).join(', ')}`);
  };
  const showContext = (all: boolean) => {
    const context = source().state.context;
    const changed = Object.entries(context).filter(([key, value]) => all || JSON.stringify(shownContext[key]) !== JSON.stringify(value));
    shownContext = structuredClone(context) as Record<string, unknown>;
    if (changed.length === 0) return;
    io.out(`context${all ? '' : ' (changed)'}:`);
    for (const [key, value] of changed) io.out(`  ${key} = ${shorten(JSON.stringify(value) ?? 'undefined', 160)}`);
  };
  return {
    printEvents(events) {
      for (const event of events) {
        if (options.jsonEvents) io.out(JSON.stringify({ seq: event.seq, kind: event.kind, data: event.data }));
        else {
          const line = describeCallEvent(event);
          if (line) io.out(`  ${line}`);
        }
      }
    },
    showState() {
      const current = source();
      if (current.over) return;
      const { stage } = current.state;
      if (stage !== shownStage) {
        shownStage = stage;
        io.out(`\n== stage ${stage ?? '(none)'} ==`);
        showInstructions(false);
        showTools();
      }
      showContext(false);
    },
    showInstructions,
    listTools() {
      const { tools } = source().model;
      for (const tool of tools) io.out(`  ${tool.name}: ${shorten(tool.description, 120)}  ${shorten(JSON.stringify(tool.parameters ?? {}), 200)}`);
      if (tools.length === 0) io.out('  no tools');
    },
    showContext,
  };
}
