/**
 * Transitions: each can fire (a trigger or a `when`), `$previous` has an
 * interrupted stage to return to, `when`-only conditions can become true while
 * the call is in the stage, intents are offered where the model talks, the
 * functions offered in one stage have distinct names, and `pattern`s are
 * regular expressions.
 */
import { PREVIOUS, type TransitionNode } from '../flow-model.js';
import { isString, type LintContext } from './lint-context.js';
import { checkTransitionFields, hasTrigger } from './stage-check.js';
import type { StageGraph } from './stage-graph.js';
import { overlaps } from './variable-paths.js';

function label(transition: TransitionNode): string {
  return transition.source === null ? `Global transition ${transition.index + 1}` : `Transition ${transition.index + 1} of stage \`${transition.source}\``;
}

export function checkTransitions(context: LintContext, graph: StageGraph): void {
  const { model, report } = context;
  for (const transition of model.globalTransitions) checkTransitionFields(context, transition.pointer, transition.transition as unknown as Record<string, unknown>);

  // Stages a global transition can enter: they, and stages inside them, have an interrupted stage to return to.
  const interrupters = new Set<string>();
  for (const global of model.globalTransitions) {
    const target = global.transition.to;
    if (!isString(target) || target === PREVIOUS || !model.stages.has(target)) continue;
    interrupters.add(target);
    for (const node of model.stages.values()) if (model.ancestors(node.name).includes(target)) interrupters.add(node.name);
  }

  for (const transition of model.transitions) {
    const fields = transition.transition as unknown as Record<string, unknown>;
    if (!hasTrigger(fields) && fields.when === undefined) {
      report('FLOW_NO_TRIGGER', transition.pointer, `${label(transition)} has no trigger and no \`when\`, so it can never fire.`, {
        hint: 'Add a trigger — `intent` (the model decides), `on: <tool>.done`, `keywords`, `pattern`, `dtmf`, `after`, `silence` — or `when: "true"` to take it as soon as the stage is entered.',
      });
    }
    if (fields.to === PREVIOUS) checkPrevious(context, transition, interrupters);
    if (isString(fields.pattern)) checkPattern(context, transition, fields.pattern);
    if (transition.source !== null && isString(fields.intent) && model.stages.get(transition.source)?.kind === 'action') {
      report('FLOW_INTENT_IN_SILENT_STAGE', `${transition.pointer}/intent`, `${label(transition)} has an \`intent\`, but the model does not talk in \`action\` stages, so it is never offered.`, {
        hint: 'Route an action stage with `on: <tool>.done|error` or `when`; put intents on a talk stage.',
      });
    }
  }

  checkWhenOnlyOnEntry(context);
  checkDuplicateIntents(context, graph);
}

function checkPrevious(context: LintContext, transition: TransitionNode, interrupters: Set<string>): void {
  const { model } = context;
  if (transition.source === null) {
    const others = model.globalTransitions.filter((global) => global.transition.to !== PREVIOUS);
    if (others.length > 0) return;
  } else if (interrupters.has(transition.source)) return;
  context.report(
    'FLOW_PREVIOUS_WITHOUT_GLOBAL',
    `${transition.pointer}/to`,
    transition.source === null
      ? `${label(transition)} goes to \`$previous\`, but no other global transition can interrupt a stage, so there is nothing to return to.`
      : `${label(transition)} goes to \`$previous\`, but no global transition leads to stage \`${transition.source}\`, so there is no interrupted stage to return to.`,
    {
      hint: interrupters.size
        ? `\`$previous\` works in stages a global transition enters (${[...interrupters].map((name) => `\`${name}\``).join(', ')}); here, name the stage to go to.`
        : 'Add a global transition to this stage (e.g. for an emergency or a question), or name the stage to go to.',
    },
  );
}

function checkPattern(context: LintContext, transition: TransitionNode, pattern: string): void {
  try {
    // Matched case-insensitively on the caller's transcript.
    new RegExp(pattern, 'i');
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    context.report('FLOW_INVALID_PATTERN', `${transition.pointer}/pattern`, `The \`pattern\` of ${label(transition).replace(/^./, (c) => c.toLowerCase())} is not a valid regular expression: ${reason}.`, {
      hint: 'Escape special characters with a backslash (`\\(`, `\\?`, `\\.`), and close every group and bracket. For plain words, `keywords` is simpler.',
    });
  }
}

/**
 * A `when`-only transition is checked when the context changes. In a talk
 * stage the context changes only when a tool offered there assigns something
 * (intents and `set` leave the stage); if the condition reads none of that, it
 * can only be true on entry — usually a condition meant for the transition
 * into the stage. Globals are skipped unless they read nothing at all.
 */
function checkWhenOnlyOnEntry(context: LintContext): void {
  const { model, sites, report } = context;
  const assignsOf = new Map<string, string[]>();
  for (const write of sites.writes) {
    if (write.via === 'assign' && write.owner.type === 'tool') assignsOf.set(write.owner.tool, [...(assignsOf.get(write.owner.tool) ?? []), write.path]);
  }
  for (const site of sites.expressions) {
    if (site.role !== 'when' || site.owner.type !== 'transition' || 'jsonataCode' in site.parsed) continue;
    const transition = site.owner.transition;
    if (hasTrigger(transition.transition as unknown as Record<string, unknown>)) continue;
    const reads = site.parsed.paths;
    let changing: string[];
    if (transition.source === null) {
      if (reads.length > 0) continue;
      changing = [];
    } else {
      const node = model.stages.get(transition.source);
      if (!node || node.kind !== 'talk') continue;
      changing = [...new Set(model.toolNames(node.name).flatMap((tool) => assignsOf.get(tool) ?? []))];
      if (reads.some((read) => changing.some((written) => overlaps(read, written)))) continue;
    }
    const where = transition.source === null ? 'every stage' : `stage \`${transition.source}\``;
    report('FLOW_WHEN_ONLY_ON_ENTRY', site.pointer, reads.length
      ? `\`when: ${site.source}\` only reads ${reads.map((read) => `\`${read}\``).join(', ')}, which nothing in ${where} changes, so it can only be true on entry (${label(transition).replace(/^./, (c) => c.toLowerCase())}).`
      : `\`when: ${site.source}\` reads no variable, so it is decided on entry to ${where} and never again (${label(transition).replace(/^./, (c) => c.toLowerCase())}).`, {
      hint: changing.length
        ? `Tools of this stage change ${changing.map((path) => `\`${path}\``).join(', ')}; or move the condition to the transition that enters the stage, or add a trigger.`
        : 'Move the condition to the transition that enters the stage, or add a trigger (e.g. `on: <tool>.done`, `after: 10s`).',
    });
  }
}

/** The model sees one function per name: intents and tools offered in a stage must not share one. */
function checkDuplicateIntents(context: LintContext, graph: StageGraph): void {
  const { model, report } = context;
  const reported = new Set<string>();
  for (const leaf of graph.leaves) {
    if (!graph.talks(leaf.name) || leaf.kind === 'end' || leaf.kind === 'transfer') continue;
    const tools = new Set(model.toolNames(leaf.name));
    const seen = new Map<string, TransitionNode>();
    for (const intent of model.intents(leaf.name)) {
      const name = intent.intentName!;
      const pointer = `${intent.pointer}/${intent.transition.name !== undefined ? 'name' : 'intent'}`;
      const first = seen.get(name);
      if (first) {
        const key = `${first.pointer}|${intent.pointer}`;
        if (!reported.has(key)) {
          reported.add(key);
          report('FLOW_DUPLICATE_INTENT', pointer, `In stage \`${leaf.name}\` the model would be offered two intents named \`${name}\`: ${label(intent).replace(/^./, (c) => c.toLowerCase())} and ${label(first).replace(/^./, (c) => c.toLowerCase())}.`, {
            hint: `Give one of them a distinct \`name\` (e.g. \`name: ${name}_${intent.index + 1}\`), or merge them.${intent.transition.name === undefined ? ` Intents without a name are called \`go_<target>\`.` : ''}`,
          });
        }
        continue;
      }
      seen.set(name, intent);
      if (tools.has(name)) {
        const key = `tool:${name}|${intent.pointer}`;
        if (reported.has(key)) continue;
        reported.add(key);
        report('FLOW_DUPLICATE_INTENT', pointer, `In stage \`${leaf.name}\` the intent of ${label(intent).replace(/^./, (c) => c.toLowerCase())} is named \`${name}\`, like the tool \`${name}\` offered there.`, {
          hint: 'Give the intent a distinct `name`.',
        });
      }
    }
  }
}
