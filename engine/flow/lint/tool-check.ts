/**
 * Tools: every name a stage, a `run` action or an `on:` trigger uses is a
 * binding; `on:` only names tools that can run in its stage; and, when a
 * connector catalog is given, every binding's operation exists and its
 * arguments (`with`, `args`, `parameters`), required inputs and `expose`
 * fields agree with the operation's schemas.
 */
import { findOperation, type CatalogOperation } from '../../connectors/catalog.js';
import { joinPointer } from '../json-pointer.js';
import { didYouMean, listNames } from './did-you-mean.js';
import { arrayOf, entriesOf, isObject, isString, type LintContext } from './lint-context.js';
import type { StageGraph } from './stage-graph.js';

/** Tools run by `onEnter` actions of a stage and of the groups around it. */
export function toolsRunOnEnter(context: LintContext, stage: string): Set<string> {
  const tools = new Set<string>();
  const add = (name: string) => {
    for (const action of context.sites.actionsOf('onEnter', name)) if (action.run) tools.add(action.run.tool);
  };
  add(stage);
  for (const group of context.model.ancestors(stage)) add(group);
  return tools;
}

/** Tools that can run while a call is in `stage`: offered to the model (where it talks) or run on entry. For a group, in any stage inside it. */
export function toolsThatCanRun(context: LintContext, graph: StageGraph, stage: string): Set<string> {
  const { model } = context;
  const tools = new Set<string>();
  for (const leaf of model.leavesUnder(stage)) {
    if (graph.talks(leaf)) for (const tool of model.toolNames(leaf)) tools.add(tool);
    for (const tool of toolsRunOnEnter(context, leaf)) tools.add(tool);
  }
  return tools;
}

/** Property names of an object schema, and whether it accepts others. */
function schemaFields(schema: unknown): { names: string[]; open: boolean; required: string[] } {
  if (!isObject(schema)) return { names: [], open: true, required: [] };
  const names = Object.keys(isObject(schema.properties) ? schema.properties : {});
  const additional = schema.additionalProperties;
  // Without a `properties` list there is nothing to check against.
  const open = names.length === 0 || (additional !== undefined && additional !== false);
  return { names, open, required: arrayOf(schema.required).filter(isString) };
}

export function checkTools(context: LintContext, graph: StageGraph): void {
  const { flow, model, report, sites, catalog } = context;
  const bindings = new Map(entriesOf(flow.tools).filter(([, binding]) => isObject(binding)) as Array<[string, Record<string, unknown>]>);
  const toolNames = [...bindings.keys()];
  const unknownTool = (pointer: string, name: string, what: string) =>
    report('FLOW_UNKNOWN_TOOL', pointer, `${what} names tool \`${name}\`, which is not a binding under \`tools\`.`, {
      hint: didYouMean(name, toolNames) ?? (toolNames.length ? `Tools are ${listNames(toolNames)}.` : 'Add a binding under `tools` (e.g. `use: calendar.findSlots`).'),
    });

  for (const node of model.stages.values()) {
    arrayOf(node.stage.tools).forEach((name, index) => {
      if (isString(name) && !bindings.has(name)) unknownTool(`${node.pointer}/tools/${index}`, name, `Stage \`${node.name}\``);
    });
  }
  for (const run of sites.runs) {
    if (!bindings.has(run.tool)) unknownTool(run.pointer, run.tool, `A \`run\` action in ${run.owner.list === 'onEnter' ? `the onEnter of stage \`${run.owner.stage}\`` : `\`${run.owner.list}\``}`);
  }

  // `on: <tool>.done|error`: the tool must exist and be able to run where the transition applies.
  // Built the first time a global transition has `on:` (most flows have none; it visits every stage).
  let globalTools: Set<string> | undefined;
  const toolsForGlobal = (): Set<string> => {
    if (!globalTools) {
      globalTools = new Set();
      for (const leaf of graph.leaves) if (model.acceptsGlobal(leaf.name)) for (const tool of toolsThatCanRun(context, graph, leaf.name)) globalTools.add(tool);
    }
    return globalTools;
  };
  for (const transition of model.transitions) {
    const on = transition.transition.on;
    if (!isString(on)) continue;
    const match = /^(.*)\.(done|error)$/.exec(on);
    if (!match) continue;
    const tool = match[1]!;
    const pointer = `${transition.pointer}/on`;
    if (!bindings.has(tool)) {
      unknownTool(pointer, tool, `\`on: ${on}\``);
      continue;
    }
    const canRun = transition.source === null ? toolsForGlobal() : toolsThatCanRun(context, graph, transition.source);
    if (!canRun.has(tool)) {
      const where = transition.source === null ? 'any stage global transitions apply to' : `stage \`${transition.source}\``;
      report('FLOW_TOOL_NOT_IN_STAGE', pointer, `\`on: ${on}\` can never fire: tool \`${tool}\` cannot run in ${where} (it is neither offered there nor run on entry).`, {
        hint:
          transition.source === null
            ? `Offer \`${tool}\` in the stages concerned, or mark the binding \`global: true\`.`
            : `Add \`${tool}\` to the \`tools\` of stage \`${transition.source}\`, or \`{ run: ${tool} }\` to its \`onEnter\`.` +
              (canRun.size ? ` Tools that can run there: ${listNames([...canRun])}.` : ''),
    });
    }
  }

  if (!catalog) return;
  checkOperations(context, bindings, graph);
}

/** Connector operations: `use`, `with`, `parameters`, required inputs, `expose`, `run` args. */
function checkOperations(context: LintContext, bindings: Map<string, Record<string, unknown>>, graph: StageGraph): void {
  const { report, catalog, model, sites } = context;
  const operations = Object.entries(catalog!).flatMap(([connector, entry]) => Object.keys(entry.operations ?? {}).map((operation) => `${connector}.${operation}`));
  const resolved = new Map<string, CatalogOperation>();

  // Tools the model may call somewhere: their required inputs can come from the model.
  const offered = new Set<string>();
  for (const leaf of graph.leaves) if (graph.talks(leaf.name)) for (const tool of model.toolNames(leaf.name)) offered.add(tool);

  for (const [name, binding] of bindings) {
    const base = joinPointer('/tools', name);
    const use = binding.use;
    if (!isString(use) || !/^[^.]+\.[^.]+$/.test(use)) continue;
    const operation = findOperation(catalog!, use);
    if (!operation) {
      const [connector, op] = use.split('.') as [string, string];
      const known = catalog![connector];
      report('FLOW_UNKNOWN_OPERATION', `${base}/use`, known ? `Connector \`${connector}\` has no operation \`${op}\` (tool \`${name}\`).` : `There is no connector \`${connector}\` in the catalog (tool \`${name}\` uses \`${use}\`).`, {
        hint: didYouMean(use, operations) ?? (known ? `Its operations are ${listNames(Object.keys(known.operations))}.` : `Connectors: ${listNames(Object.keys(catalog!))}.`),
      });
      continue;
    }
    resolved.set(name, operation);
    const input = schemaFields(operation.input);
    const bound = entriesOf(binding.with).map(([key]) => key);
    if (!input.open) {
      for (const key of bound.filter((key) => !input.names.includes(key))) {
        report('FLOW_UNKNOWN_ARGUMENT', joinPointer(base, 'with', key), `\`${use}\` takes no argument \`${key}\` (tool \`${name}\`, \`with\`).`, {
          hint: didYouMean(key, input.names) ?? `Its arguments are ${listNames(input.names)}.`,
          at: 'key',
        });
      }
    }
    const parameters = isObject(binding.parameters) ? schemaFields(binding.parameters) : undefined;
    if (parameters && !input.open) {
      for (const key of parameters.names.filter((key) => !input.names.includes(key))) {
        report('FLOW_UNKNOWN_ARGUMENT', joinPointer(base, 'parameters', 'properties', key), `\`${use}\` takes no argument \`${key}\`, so the model must not be asked for it (tool \`${name}\`, \`parameters\`).`, {
          hint: didYouMean(key, input.names) ?? `Its arguments are ${listNames(input.names)}.`,
          at: 'key',
        });
      }
    }
    if (offered.has(name)) {
      const visible = parameters ? parameters.names : input.names.filter((key) => !bound.includes(key));
      const missing = input.required.filter((key) => !bound.includes(key) && !visible.includes(key));
      if (missing.length) {
        report('FLOW_MISSING_ARGUMENT', base, `\`${use}\` needs ${listNames(missing)}, but tool \`${name}\` neither binds ${missing.length === 1 ? 'it' : 'them'} in \`with\` nor asks the model for ${missing.length === 1 ? 'it' : 'them'} in \`parameters\`.`, {
          hint: `Add ${missing.map((key) => `\`${key}\``).join(', ')} to \`with\` (an expression over the context) or to \`parameters.properties\`.`,
          at: 'key',
        });
      }
    }
    const output = schemaFields(operation.output);
    if (!output.open) {
      arrayOf(binding.expose).forEach((field, index) => {
        if (!isString(field) || output.names.includes(field)) return;
        report('FLOW_UNKNOWN_OUTPUT_FIELD', `${base}/expose/${index}`, `\`${use}\` returns no field \`${field}\`, so \`expose\` shows the model nothing for it (tool \`${name}\`).`, {
          hint: didYouMean(field, output.names) ?? `Its result has ${listNames(output.names)}.`,
        });
      });
    }
  }

  // `run` actions: no model to fill anything in, so every required input must be bound.
  for (const run of sites.runs) {
    const binding = bindings.get(run.tool);
    const operation = resolved.get(run.tool);
    if (!binding || !operation) continue;
    const input = schemaFields(operation.input);
    const use = String(binding.use);
    if (!input.open) {
      for (const key of run.args.filter((key) => !input.names.includes(key))) {
        report('FLOW_UNKNOWN_ARGUMENT', joinPointer(run.owner.pointer, 'args', key), `\`${use}\` takes no argument \`${key}\` (\`run: ${run.tool}\`, \`args\`).`, {
          hint: didYouMean(key, input.names) ?? `Its arguments are ${listNames(input.names)}.`,
          at: 'key',
        });
      }
    }
    const bound = new Set([...entriesOf(binding.with).map(([key]) => key), ...run.args]);
    const missing = input.required.filter((key) => !bound.has(key));
    if (missing.length) {
      report('FLOW_MISSING_ARGUMENT', run.owner.pointer, `\`run: ${run.tool}\` runs \`${use}\` without the model, but nothing supplies its required ${listNames(missing)}.`, {
        hint: `Give ${missing.length === 1 ? 'it' : 'them'} in the action's \`args\` or the binding's \`with\`, e.g. \`args: { ${missing[0]}: "…" }\`.`,
      });
    }
  }
}

/** The operation a binding uses, when the catalog has it. */
export function operationOf(context: LintContext, tool: string): CatalogOperation | undefined {
  if (!context.catalog) return undefined;
  const binding = isObject(context.flow.tools) ? context.flow.tools[tool] : undefined;
  return isObject(binding) && isString(binding.use) ? findOperation(context.catalog, binding.use) : undefined;
}
