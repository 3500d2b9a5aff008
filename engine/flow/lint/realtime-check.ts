/**
 * Voice and model changes the Realtime API does not allow mid-call.
 *
 * The rule (docs/flow-language.md, "Voice and model"): the voice cannot change
 * once the agent has produced audio, and the model is fixed when the session
 * is opened. So a stage may set `voice` or `model` only if it is the first
 * stage (the flow's `initial`, or a group on the way into it, or the stage a
 * group enters first) — and then it sets them for the whole call, in place of
 * the agent's. Even on the first stage a different voice or model is refused
 * when something may be said before the first stage is entered: an `onStart`
 * tool with a `filler` speaks with the agent's voice and model while it runs.
 */
import { DEFAULTS } from '../flow-model.js';
import { isObject, isString, type LintContext } from './lint-context.js';

/** The stages entered when the call starts: `initial`, then each group's first nested stage. */
export function firstStageChain(context: LintContext): string[] {
  const { model, flow } = context;
  const chain: string[] = [];
  let current = isString(flow.initial) ? flow.initial : undefined;
  while (current !== undefined && model.stages.has(current) && !chain.includes(current)) {
    chain.push(current);
    const node = model.stages.get(current)!;
    current = node.kind === 'group' ? (isString(node.stage.initial) ? node.stage.initial : node.children[0]) : undefined;
  }
  return chain;
}

export function checkRealtime(context: LintContext): void {
  const { model, flow, sites, report } = context;
  const chain = firstStageChain(context);
  const first = chain.at(-1);
  const agent: Record<string, unknown> = isObject(flow.agent) ? flow.agent : {};
  const bindings: Record<string, unknown> = isObject(flow.tools) ? flow.tools : {};
  const fillerTools = sites
    .actionsOf('onStart')
    .flatMap((action) => (action.run && isObject(bindings[action.run.tool]) && (bindings[action.run.tool] as Record<string, unknown>).filler !== undefined ? [action.run.tool] : []));

  const settings = [
    { field: 'voice', code: 'FLOW_VOICE_CHANGE', agentValue: isString(agent.voice) ? agent.voice : DEFAULTS.voice, rule: 'the voice cannot change once the agent has spoken' },
    { field: 'model', code: 'FLOW_MODEL_CHANGE', agentValue: isString(agent.model) ? agent.model : DEFAULTS.model, rule: 'the model is fixed for the whole realtime session' },
  ] as const;

  for (const setting of settings) {
    let chainValue: { stage: string; value: string } | undefined;
    for (const node of model.stages.values()) {
      const value = (node.stage as unknown as Record<string, unknown>)[setting.field];
      if (!isString(value)) continue;
      const pointer = `${node.pointer}/${setting.field}`;
      if (!chain.includes(node.name)) {
        report(setting.code, pointer, `Stage \`${node.name}\` sets \`${setting.field}: ${value}\`, but ${setting.rule}: only the first stage${first ? ` (\`${first}\`)` : ''} may set it.`, {
          hint: `Set it on \`agent.${setting.field}\` for the whole call, or remove it here.`,
        });
        continue;
      }
      if (chainValue && chainValue.value !== value) {
        report(setting.code, pointer, `Stage \`${node.name}\` sets \`${setting.field}: ${value}\`, but \`${chainValue.stage}\`, entered at the same moment, sets \`${chainValue.value}\`.`, {
          hint: `Set the ${setting.field} once, on \`agent.${setting.field}\`.`,
        });
        continue;
      }
      chainValue ??= { stage: node.name, value };
      if (value !== setting.agentValue && fillerTools.length > 0) {
        report(setting.code, pointer, `Stage \`${node.name}\` sets \`${setting.field}: ${value}\`, but before it is entered the \`onStart\` tool${fillerTools.length > 1 ? 's' : ''} ${fillerTools.map((tool) => `\`${tool}\``).join(', ')} may speak ${fillerTools.length > 1 ? 'their fillers' : 'its filler'} with the agent's ${setting.field} (\`${setting.agentValue}\`), and ${setting.rule}.`, {
          hint: `Set \`agent.${setting.field}: ${value}\` instead, or remove the filler from the onStart tool.`,
        });
      }
    }
  }
}
