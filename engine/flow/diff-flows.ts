/**
 * What changed between two versions of a flow, the way a designer thinks of
 * it: stages added, removed or changed (and in what: guidance, tools, type,
 * group), transitions added, removed or changed per stage and globally, tool
 * bindings, the agent, and the flow's other settings. Not a text diff: two
 * versions that differ only in key order or formatting are identical here.
 *
 * Pure: two documents in, a description out. Tolerant of flows with errors
 * (it reads them through the flow model, which indexes whatever it is given).
 */
import type { Flow, Transition } from '../types/flow.generated.js';
import { buildFlowModel, pointerSegment, type StageNode } from './flow-model.js';

/** One value that differs; `pointer` is relative to the thing it belongs to (`/guidance`, `/limits/maxTurns`). */
export interface FieldChange {
  pointer: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** A transition as a list shows it. */
export interface TransitionRef {
  /** Identifies the transition within its list: its target, then `#2`, `#3` … for further ones to the same target. */
  key: string;
  to: string;
  /** What fires it, in short: `intent`, `on book.done`, `keywords`, `dtmf 0`, `when`, `after 30s` … */
  triggers: string[];
}

/** Changes to one list of transitions (a stage's `next`, or `global`). */
export interface TransitionsDiff {
  added: TransitionRef[];
  removed: TransitionRef[];
  changed: Array<TransitionRef & { changes: FieldChange[] }>;
  /** The transitions both versions have are checked in a different order (the first that matches wins). */
  reordered: boolean;
}

/** A stage in a list. */
export interface StageRef {
  name: string;
  /** `talk`, `end`, `transfer`, `action` or `group`. */
  type: string;
  /** The enclosing group, or null at the top level. */
  group: string | null;
}

/** Changes to a stage present in both versions. */
export interface StageChange extends StageRef {
  /** Its own fields (guidance, tools, type, say, limits, …); nested stages and transitions are reported on their own. */
  changes: FieldChange[];
  /** Set when it moved into, out of or between groups. */
  moved?: { from: string | null; to: string | null };
  transitions: TransitionsDiff;
}

/** A structural diff between two flow documents. */
export interface FlowDiff {
  /** True when the two documents mean the same flow (only formatting or key order differ). */
  identical: boolean;
  /** One line per change, for people. */
  summary: string[];
  agent: FieldChange[];
  stages: { added: StageRef[]; removed: StageRef[]; changed: StageChange[] };
  /** Global transitions. */
  global: TransitionsDiff;
  tools: { added: string[]; removed: string[]; changed: Array<{ name: string; changes: FieldChange[] }> };
  /** Everything else at the top level: `name`, `initial`, `context`, `limits`, `onStart`, `outcome`, … */
  settings: FieldChange[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/** Field-level changes between two values: objects are compared key by key, anything else (arrays included) whole. */
export function fieldChanges(before: unknown, after: unknown, pointer = '', skip: ReadonlySet<string> = new Set()): FieldChange[] {
  if (jsonEqual(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const changes: FieldChange[] = [];
    const keys = [...Object.keys(before), ...Object.keys(after).filter((key) => !Object.hasOwn(before, key))];
    for (const key of keys) {
      if (pointer === '' && skip.has(key)) continue;
      const path = `${pointer}/${pointerSegment(key)}`;
      if (!Object.hasOwn(after, key)) changes.push({ pointer: path, change: 'removed', before: before[key] });
      else if (!Object.hasOwn(before, key)) changes.push({ pointer: path, change: 'added', after: after[key] });
      else changes.push(...fieldChanges(before[key], after[key], path));
    }
    return changes;
  }
  if (before === undefined) return [{ pointer: pointer || '/', change: 'added', after }];
  if (after === undefined) return [{ pointer: pointer || '/', change: 'removed', before }];
  return [{ pointer: pointer || '/', change: 'changed', before, after }];
}

/** Short descriptions of what fires a transition. */
function triggers(transition: Transition): string[] {
  const out: string[] = [];
  if (transition.intent !== undefined) out.push('intent');
  if (transition.on !== undefined) out.push(`on ${transition.on}`);
  if (transition.keywords !== undefined) out.push('keywords');
  if (transition.pattern !== undefined) out.push('pattern');
  if (transition.dtmf !== undefined) out.push(`dtmf ${transition.dtmf}`);
  if (transition.after !== undefined) out.push(`after ${transition.after}`);
  if (transition.silence !== undefined) out.push(`silence ${transition.silence}`);
  if (transition.when !== undefined) out.push('when');
  return out;
}

/** Keys transitions by target, numbering repeats in list order. */
function keyed(list: readonly Transition[]): Map<string, { transition: Transition; ref: TransitionRef }> {
  const byKey = new Map<string, { transition: Transition; ref: TransitionRef }>();
  const seen = new Map<string, number>();
  for (const transition of list) {
    if (!isObject(transition)) continue;
    const to = String(transition.to);
    const n = (seen.get(to) ?? 0) + 1;
    seen.set(to, n);
    const key = n === 1 ? to : `${to}#${n}`;
    byKey.set(key, { transition, ref: { key, to, triggers: triggers(transition) } });
  }
  return byKey;
}

function diffTransitions(before: readonly Transition[], after: readonly Transition[]): TransitionsDiff {
  const a = keyed(before);
  const b = keyed(after);
  const diff: TransitionsDiff = { added: [], removed: [], changed: [], reordered: false };
  for (const [key, entry] of b) {
    const old = a.get(key);
    if (!old) diff.added.push(entry.ref);
    else {
      const changes = fieldChanges(old.transition, entry.transition);
      if (changes.length) diff.changed.push({ ...entry.ref, changes });
    }
  }
  for (const [key, entry] of a) if (!b.has(key)) diff.removed.push(entry.ref);
  const common = (map: typeof a, other: typeof b) => [...map.keys()].filter((key) => other.has(key));
  diff.reordered = !jsonEqual(common(a, b), common(b, a));
  return diff;
}

const transitionsChanged = (diff: TransitionsDiff) => diff.added.length + diff.removed.length + diff.changed.length > 0 || diff.reordered;

const stageRef = (node: StageNode): StageRef => ({ name: node.name, type: node.kind, group: node.parent });

/** The fields of a stage compared as its own; nested stages and transitions are compared separately. */
const STAGE_SKIP = new Set(['next', 'stages']);
/** Top-level fields with a section of their own. */
const SECTIONS = new Set(['agent', 'stages', 'global', 'tools']);

const list = (values: string[]) => values.map((v) => `\`${v}\``).join(', ');
const fields = (changes: FieldChange[]) => [...new Set(changes.map((c) => c.pointer.split('/')[1] ?? c.pointer))].join(', ');

function describeTransitions(diff: TransitionsDiff): string {
  const parts: string[] = [];
  if (diff.added.length) parts.push(`transition${diff.added.length > 1 ? 's' : ''} to ${list(diff.added.map((t) => t.key))} added`);
  if (diff.removed.length) parts.push(`transition${diff.removed.length > 1 ? 's' : ''} to ${list(diff.removed.map((t) => t.key))} removed`);
  for (const t of diff.changed) parts.push(`transition to \`${t.key}\` changed (${fields(t.changes)})`);
  if (diff.reordered) parts.push('transitions reordered');
  return parts.join('; ');
}

/** Compares two flow documents. */
export function diffFlows(before: Flow, after: Flow): FlowDiff {
  const a = buildFlowModel(before);
  const b = buildFlowModel(after);
  const summary: string[] = [];

  const stages: FlowDiff['stages'] = { added: [], removed: [], changed: [] };
  for (const [name, node] of b.stages) {
    const old = a.stages.get(name);
    if (!old) {
      stages.added.push(stageRef(node));
      continue;
    }
    const changes = fieldChanges(old.stage, node.stage, '', STAGE_SKIP);
    const transitions = diffTransitions(a.transitionsOf(name).map((t) => t.transition), b.transitionsOf(name).map((t) => t.transition));
    const moved = old.parent !== node.parent ? { from: old.parent, to: node.parent } : undefined;
    if (changes.length || moved || transitionsChanged(transitions)) {
      stages.changed.push({ ...stageRef(node), changes, ...(moved ? { moved } : {}), transitions });
    }
  }
  for (const [name, node] of a.stages) if (!b.stages.has(name)) stages.removed.push(stageRef(node));

  const global = diffTransitions(a.globalTransitions.map((t) => t.transition), b.globalTransitions.map((t) => t.transition));
  const agent = fieldChanges(before.agent, after.agent);

  const tools: FlowDiff['tools'] = { added: [], removed: [], changed: [] };
  const toolsBefore = isObject(before.tools) ? before.tools : {};
  const toolsAfter = isObject(after.tools) ? after.tools : {};
  for (const [name, binding] of Object.entries(toolsAfter)) {
    if (!Object.hasOwn(toolsBefore, name)) tools.added.push(name);
    else {
      const changes = fieldChanges(toolsBefore[name], binding);
      if (changes.length) tools.changed.push({ name, changes });
    }
  }
  for (const name of Object.keys(toolsBefore)) if (!Object.hasOwn(toolsAfter, name)) tools.removed.push(name);

  const settings = fieldChanges(before, after, '', SECTIONS);

  for (const change of settings) summary.push(`\`${change.pointer.slice(1)}\` ${change.change}`);
  if (agent.length) summary.push(`Agent: ${fields(agent)} changed`);
  for (const stage of stages.added) summary.push(`Stage \`${stage.name}\` added (${stage.type}${stage.group ? ` in group \`${stage.group}\`` : ''})`);
  for (const stage of stages.removed) summary.push(`Stage \`${stage.name}\` removed`);
  for (const stage of stages.changed) {
    const parts: string[] = [];
    if (stage.changes.length) parts.push(`${fields(stage.changes)} changed`);
    if (stage.moved) parts.push(`moved ${stage.moved.to ? `into group \`${stage.moved.to}\`` : 'to the top level'}`);
    if (transitionsChanged(stage.transitions)) parts.push(describeTransitions(stage.transitions));
    summary.push(`Stage \`${stage.name}\`: ${parts.join('; ')}`);
  }
  if (transitionsChanged(global)) summary.push(`Global: ${describeTransitions(global)}`);
  if (tools.added.length) summary.push(`Tool${tools.added.length > 1 ? 's' : ''} ${list(tools.added)} added`);
  if (tools.removed.length) summary.push(`Tool${tools.removed.length > 1 ? 's' : ''} ${list(tools.removed)} removed`);
  for (const tool of tools.changed) summary.push(`Tool \`${tool.name}\`: ${fields(tool.changes)} changed`);

  return { identical: summary.length === 0, summary, agent, stages, global, tools, settings };
}
