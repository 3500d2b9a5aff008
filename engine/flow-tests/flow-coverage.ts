/**
 * Coverage of a flow by its test cases: which stages the calls entered and
 * which of the flow's transitions fired, of how many. Transitions are the
 * flow's own (every stage's `next` and `global`), identified by JSON pointer
 * — what the call record names on each transition — and labelled in words.
 */
import type { FlowModel, TransitionNode } from '../flow/flow-model.js';
import type { CaseResult, FlowCoverage } from './flow-test-results.js';

/** How a transition is triggered, in a few words: `intent parent_confirmed`, `on find_times.done`, `keywords`. */
export function describeTrigger(node: TransitionNode): string {
  const t = node.transition;
  const parts: string[] = [];
  if (t.intent !== undefined) parts.push(`intent ${node.intentName}`);
  if (t.on !== undefined) parts.push(`on ${t.on}`);
  if (t.keywords !== undefined) parts.push('keywords');
  if (t.pattern !== undefined) parts.push('pattern');
  if (t.dtmf !== undefined) parts.push(`dtmf ${t.dtmf}`);
  if (t.after !== undefined) parts.push(`after ${t.after}`);
  if (t.silence !== undefined) parts.push(`silence ${t.silence}`);
  if (parts.length === 0) parts.push(t.when !== undefined ? `when ${t.when}` : 'always');
  else if (t.when !== undefined) parts.push('+ when');
  return parts.join(', ');
}

/** `greeting → gather (intent parent_confirmed)`; global transitions start with `any stage`. */
export function describeTransition(node: TransitionNode): string {
  return `${node.source ?? 'any stage'} → ${node.transition.to} (${describeTrigger(node)})`;
}

/** What the cases covered of the flow. */
export function flowCoverage(model: FlowModel, flowFile: string, cases: readonly CaseResult[]): FlowCoverage {
  const enteredStages = new Set(cases.flatMap((c) => c.stages));
  const fired = new Set(cases.flatMap((c) => c.transitions));
  const all = model.leaves().map((node) => node.name);
  return {
    flowId: String(model.flow.id),
    flowFile,
    stages: { entered: all.filter((name) => enteredStages.has(name)), all },
    transitions: model.transitions.map((node) => ({ pointer: node.pointer, label: describeTransition(node), fired: fired.has(node.pointer) })),
  };
}

/** Fired / all transitions, as a fraction (1 when the flow has none). */
export function transitionRatio(coverage: FlowCoverage): number {
  const all = coverage.transitions.length;
  return all === 0 ? 1 : coverage.transitions.filter((t) => t.fired).length / all;
}
