/**
 * Tool bindings and actions (`onStart`, `onEnter`, `onEnd`), compiled: specs
 * the model sees, bound arguments, result assignments, exposure, timeouts.
 */
import { findOperation, type ConnectorCatalog } from '../connectors/catalog.js';
import type { Action, Flow } from '../types/flow.generated.js';
import type { CompiledAction, CompiledBinding } from './compiled-flow.js';
import type { SourceCompiler } from './compile-sources.js';
import { bindingToolSpec, DEFAULTS, pointerSegment } from './flow-model.js';

/** Told to the model when a tool without its own `fallback` fails. */
export const DEFAULT_TOOL_FALLBACK = 'That did not work just now. Apologise briefly and offer another way to help.';

export function compileBindings(flow: Flow, catalog: ConnectorCatalog | undefined, sources: SourceCompiler): Map<string, CompiledBinding> {
  const bindings = new Map<string, CompiledBinding>();
  for (const [name, binding] of Object.entries(flow.tools ?? {})) {
    if (!binding || typeof binding !== 'object') continue;
    const pointer = `/tools/${pointerSegment(name)}`;
    const operation = catalog ? findOperation(catalog, binding.use) : undefined;
    const filler = sources.template(binding.filler, `${pointer}/filler`);
    bindings.set(name, {
      name,
      use: binding.use,
      spec: bindingToolSpec(name, binding, operation),
      with: sources.assignments(binding.with, `${pointer}/with`),
      assign: sources.assignments(binding.assign, `${pointer}/assign`),
      ...(binding.expose ? { expose: binding.expose } : {}),
      pii: operation?.pii ?? [],
      ...(filler ? { filler } : {}),
      fillerAfterMs: sources.duration(binding.fillerAfter, `${pointer}/fillerAfter`) ?? DEFAULTS.fillerAfterMs,
      timeoutMs: sources.duration(binding.timeout, `${pointer}/timeout`) ?? DEFAULTS.toolTimeoutMs,
      fallback: binding.fallback ?? DEFAULT_TOOL_FALLBACK,
    });
  }
  return bindings;
}

/** Compiles an action list; a `run` of a binding that does not exist is a structural problem. */
export function compileActions(actions: Action[] | undefined, pointer: string, bindings: ReadonlyMap<string, CompiledBinding>, sources: SourceCompiler): CompiledAction[] {
  if (!Array.isArray(actions)) return [];
  const compiled: CompiledAction[] = [];
  actions.forEach((action, index) => {
    const at = `${pointer}/${index}`;
    if (action && typeof action === 'object' && 'run' in action) {
      if (!bindings.has(action.run)) {
        sources.problem('COMPILE_STRUCTURE', `${at}/run`, `action runs "${action.run}", which is not a tool binding of this flow`);
        return;
      }
      compiled.push({ kind: 'run', tool: action.run, args: sources.assignments(action.args, `${at}/args`) });
    } else if (action && typeof action === 'object' && 'set' in action) {
      compiled.push({ kind: 'set', assignments: sources.assignments(action.set, `${at}/set`) });
    } else {
      sources.problem('COMPILE_STRUCTURE', at, 'an action must have `run` or `set`');
    }
  });
  return compiled;
}
