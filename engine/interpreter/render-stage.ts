/**
 * Stage entry, step 2: what the model is told in a stage — the instructions
 * (agent instructions, the guidance chain, a short context block) and the
 * tools (the stage's bindings, then the intents whose `when` holds).
 */
import type { CompiledFlow, CompiledStage, PlacedTemplate } from '../flow/compiled-flow.js';
import type { ToolSpec } from './call-types.js';
import type { Vars } from './context-values.js';
import type { ContextWriter, ImplementationHooks } from './machine-implementations.js';

/** Caps of the context block: it restates, it never dumps. */
export const CONTEXT_BLOCK_LIMITS = { entries: 20, valueChars: 200, totalChars: 2000 } as const;

/** Renders a template; a failure is reported and renders as empty text (the call goes on). */
export function renderTemplate(placed: PlacedTemplate | undefined, vars: Vars, hooks: ImplementationHooks): string {
  if (!placed) return '';
  try {
    return placed.template.render(vars);
  } catch (error) {
    hooks.reportError('CALL_TEMPLATE_FAILED', (error as Error).message, placed.pointer);
    return '';
  }
}

/**
 * The context block: what the caller has told the agent so far — the values
 * intents collected — so the model still has them after a history `reset` or
 * `summarize`. Only collected values: data that tools put in the context
 * reaches the model only through `expose` and the templates the designer wrote,
 * never by default (it may be personal data or noise). Capped.
 */
export function renderContextBlock(keys: readonly string[], vars: Vars): string {
  const lines: string[] = [];
  let total = 0;
  for (const key of keys) {
    if (lines.length >= CONTEXT_BLOCK_LIMITS.entries) break;
    const value = vars[key];
    if (value === undefined || value === null || value === '') continue;
    let text = JSON.stringify(value) ?? '';
    if (text.length > CONTEXT_BLOCK_LIMITS.valueChars) text = `${text.slice(0, CONTEXT_BLOCK_LIMITS.valueChars - 1)}…`;
    const line = `- ${key}: ${text}`;
    if (total + line.length > CONTEXT_BLOCK_LIMITS.totalChars) break;
    total += line.length + 1;
    lines.push(line);
  }
  return lines.length > 0 ? `Known so far in this call:\n${lines.join('\n')}` : '';
}

/** Agent instructions + guidance (outer groups first) + context block, separated by blank lines. */
export function renderInstructions(compiled: CompiledFlow, stage: CompiledStage, vars: Vars, hooks: ImplementationHooks): string {
  const parts = [renderTemplate(compiled.agent.instructions, vars, hooks), ...stage.guidance.map((placed) => renderTemplate(placed, vars, hooks))];
  parts.push(renderContextBlock(compiled.contextBlockKeys, vars));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0).join('\n\n');
}

/** The stage's tools, then its intents that are available now (`when` holds; `$previous` only with somewhere to return). */
export function offeredTools(stage: CompiledStage, vars: Vars, previous: string | null, writer: ContextWriter, now: number): ToolSpec[] {
  const tools = [...stage.toolSpecs];
  const names = new Set(tools.map((tool) => tool.name));
  for (const intent of stage.intents) {
    if (names.has(intent.intentName!)) continue;
    if (intent.toPrevious && previous === null) continue;
    if (!writer.holds(intent, vars, {}, now)) continue;
    names.add(intent.intentName!);
    tools.push(intent.intentSpec!);
  }
  return tools;
}
