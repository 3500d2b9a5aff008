import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConnectorCatalog } from '../../engine/connectors/catalog.js';
import { isParleyError, type ParleyError } from '../../engine/errors/parley-error.js';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import type { Flow } from '../../engine/types/flow.generated.js';
import { flowOf, loadFixture } from '../helpers/flow-fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function compileError(flow: unknown): ParleyError {
  try {
    compileFlow(flow as Flow);
  } catch (error) {
    if (isParleyError(error)) return error;
    throw error;
  }
  throw new Error('the flow compiled');
}

type StateConfig = { id?: string; initial?: string; on?: Record<string, Array<Record<string, any>>>; states?: Record<string, StateConfig>; type?: string };

describe('compileFlow: the machine', () => {
  const flow = loadFixture('interpreter/dental-outreach.yaml');
  const compiled = compileFlow(flow);
  const config = compiled.config as unknown as StateConfig;
  const running = config.states!.running!;

  it('has the call’s life around the stages: starting → running → ending → ended (final)', () => {
    expect(Object.keys(config.states!)).toEqual(['starting', 'running', 'ending', 'ended']);
    expect(config.initial).toBe('starting');
    expect(config.states!.ended!.type).toBe('final');
    expect(config.states!.starting!.on!['parley.ctl.started']).toEqual([{ target: '#greeting' }]);
  });

  it('nests groups as compound states and declares group transitions on the group', () => {
    const scheduling = running.states!.scheduling!;
    expect(scheduling.initial).toBe('availability');
    expect(Object.keys(scheduling.states!)).toEqual(['availability', 'booking', 'confirmation']);
    expect(scheduling.on!['parley.flow.intent.go_closing']![0]!.target).toBe('#closing');
    // The nested stage does not repeat it: XState inherits it.
    expect(scheduling.states!.booking!.on!['parley.flow.intent.go_closing']).toBeUndefined();
  });

  it('declares global transitions on `running` and refers to guards and actions by name with params', () => {
    const turn = running.on!['parley.flow.turn']!;
    expect(turn).toHaveLength(1);
    expect(turn[0]).toMatchObject({ target: '#emergency', guard: { type: 'keywords', params: { t: expect.stringMatching(/^t\d+$/) } } });
    expect(turn[0]!.actions.map((action: { type: string }) => action.type)).toEqual(['fired', 'rememberPrevious']);
    const withWhen = running.states!.scheduling!.states!.availability!.on!['parley.flow.tool.check_availability.done']![0]!;
    expect(withWhen.guard).toEqual({ type: 'when', params: { t: withWhen.actions[0].params.t } });
    expect(compiled.transitions.get(withWhen.guard.params.t)!.when!.expression.source).toBe('$count(slots) > 0');
  });

  it('sends `$previous` through one return hub with a guarded branch per stage a global transition can interrupt', () => {
    const back = running.states!.emergency!.on!['parley.flow.intent.go_back']!;
    expect(back).toEqual([
      {
        target: '#$previous',
        guard: { type: 'when', params: { t: back[0]!.actions[0].params.t, returns: true } },
        actions: [{ type: 'fired', params: { t: back[0]!.actions[0].params.t, trigger: 'intent' } }],
        reenter: true,
      },
    ]);
    const hub = (running.states as Record<string, StateConfig & { always?: Array<Record<string, any>> }>)['$previous']!;
    expect(hub.always!.map((branch) => branch.target)).toEqual(['#greeting', '#reassure', '#availability', '#booking', '#confirmation', '#emergency']);
    for (const branch of hub.always!) {
      expect(branch.guard).toEqual({ type: 'previousIs', params: { stage: branch.target.slice(1) } });
      expect(branch.actions).toEqual([{ type: 'forgetPrevious' }]);
    }
  });

  it('makes end and transfer stages swallow every flow event', () => {
    expect(running.states!.closing!.on).toEqual({ 'parley.flow.*': [{}] });
    expect(running.states!.human!.on).toEqual({ 'parley.flow.*': [{}] });
  });

  it('declares onLimit where the flow does (XState’s selection gives the stage’s, its groups’, then the flow’s) and precomputes stage tables', () => {
    expect(running.on!['parley.flow.limit']).toEqual([{ target: '#human', actions: [{ type: 'fired', params: { trigger: 'limit' } }] }]);
    expect(running.states!.scheduling!.on!['parley.flow.limit']![0]!.target).toBe('#human');
    expect(running.states!.scheduling!.states!.booking!.on!['parley.flow.limit']).toBeUndefined();
    const booking = compiled.stages.get('booking')!;
    expect(booking.guidance.map((g) => g.pointer)).toEqual(['/stages/scheduling/guidance', '/stages/scheduling/stages/booking/guidance']);
    expect(booking.toolSpecs.map((spec) => spec.name)).toEqual(['book_appointment']);
    expect(booking.intents.map((t) => t.intentName)).toEqual(['go_closing', 'go_emergency', 'go_human']);
    expect(booking.limits).toMatchObject({ maxTurns: 6, onLimit: 'human', silenceMs: 8000, reprompts: 1 });
    expect(compiled.stages.get('closing')!.toolSpecs).toEqual([]);
  });
});

describe('compileFlow: purity', () => {
  it('gives a structurally equal config for the same flow, and does not touch the flow', () => {
    const flow = loadFixture('interpreter/dental-outreach.yaml');
    const frozen = deepFreeze(structuredClone(flow));
    const a = compileFlow(frozen);
    const b = compileFlow(structuredClone(flow));
    expect(a.config).toEqual(b.config);
    expect(JSON.stringify(a.config)).toBe(JSON.stringify(b.config));
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(frozen).toEqual(flow);
  });

  it('imports nothing that does I/O: its module graph reaches only pure modules', () => {
    const allowedPackages = new Set(['xstate', 'jsonata', 'handlebars', 'ajv/dist/2020.js', 'ajv-formats', 'node:crypto']);
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
        const specifier = match[1]!;
        if (specifier.startsWith('.')) visit(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
        else external.add(specifier);
      }
    };
    visit(path.join(root, 'engine/flow/compile-flow.ts'));
    expect(seen.size).toBeGreaterThan(8);
    expect([...external].filter((specifier) => !allowedPackages.has(specifier))).toEqual([]);
  });

  it('compiles each distinct expression and template once, sharing identical sources', () => {
    const compiled = compileFlow(
      flowOf({
        a: { guidance: 'Same {{x}}.', next: [{ to: 'b', when: 'ready = true' }] },
        b: { guidance: 'Same {{x}}.', next: [{ to: 'a', when: 'ready = true' }] },
      }),
    );
    expect(compiled.stages.get('a')!.guidance[0]!.template).toBe(compiled.stages.get('b')!.guidance[0]!.template);
    const [t0, t1] = [compiled.transitions.get('t0')!, compiled.transitions.get('t1')!];
    expect(t0.when!.expression).toBe(t1.when!.expression);
    expect(t0.when!.pointer).toBe('/stages/a/next/0/when');
    expect(t1.when!.pointer).toBe('/stages/b/next/0/when');
  });

  it('derives what the model sees of a tool from the catalog: the operation input minus `with`', () => {
    const catalog: ConnectorCatalog = {
      calendar: {
        name: 'calendar',
        version: '1.0.0',
        description: 'Calendar',
        configured: true,
        source: 'builtin',
        operations: {
          findSlots: {
            description: 'Find open slots.',
            idempotent: true,
            input: { type: 'object', properties: { day: { type: 'string' }, seats: { type: 'integer' } }, required: ['day', 'seats'] },
            output: { type: 'object' },
          },
        },
      },
    };
    const flow = flowOf({ a: { tools: ['find'] } }, { tools: { find: { use: 'calendar.findSlots', with: { seats: '2' } } } });
    const spec = compileFlow(flow, { catalog }).tools.get('find')!.spec;
    expect(spec).toEqual({
      type: 'function',
      name: 'find',
      description: 'Find open slots.',
      parameters: { type: 'object', properties: { day: { type: 'string' } }, required: ['day'] },
    });
  });
});

describe('compileFlow: flows that cannot be a machine', () => {
  it('rejects unknown targets, initial stages, group starts, tools and duplicate names — all at once, with pointers', () => {
    const error = compileError(
      flowOf(
        {
          a: { tools: ['missing'], next: [{ to: 'nowhere', intent: 'Go.' }], onEnter: [{ run: 'ghost' }] },
          g: { type: 'group', initial: 'elsewhere', stages: { a: {}, inner: {} } },
          t: { type: 'transfer' },
        },
        { initial: 'start-here' },
      ),
    );
    expect(error.code).toBe('COMPILE_STRUCTURE');
    const problems = (error.details!.problems as Array<{ code: string; pointer: string }>).map((p) => `${p.code} ${p.pointer}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'COMPILE_STRUCTURE /stages/a/next/0/to',
        'COMPILE_STRUCTURE /stages/a/tools',
        'COMPILE_STRUCTURE /stages/a/onEnter/0/run',
        'COMPILE_STRUCTURE /stages/g/initial',
        'COMPILE_STRUCTURE /stages/g/stages/a',
        'COMPILE_STRUCTURE /stages/t/transfer',
        'COMPILE_STRUCTURE /initial',
      ]),
    );
    expect(problems).toHaveLength(7);
    expect(error.message).toContain('(and 6 more problems)');
  });

  it('rejects invalid expressions, templates with unknown helpers and invalid patterns', () => {
    const expression = compileError(flowOf({ a: { next: [{ to: 'a', when: 'count(' }] } }));
    expect(expression.code).toBe('COMPILE_EXPRESSION');
    expect(expression.message).toContain('/stages/a/next/0/when');
    const template = compileError(flowOf({ a: { guidance: 'Hi {{shout name}}' } }));
    expect(template.code).toBe('COMPILE_TEMPLATE');
    expect(template.message).toMatch(/\/stages\/a\/guidance: unknown helper "shout"/);
    const pattern = compileError(flowOf({ a: { next: [{ to: 'a', pattern: '(unclosed' }] } }));
    expect(pattern.code).toBe('COMPILE_PATTERN');
  });

  it('reports a non-flow as a coded error, not a crash', () => {
    expect(compileError({}).code).toBe('COMPILE_STRUCTURE');
    expect(compileError(null).code).toBe('COMPILE_STRUCTURE');
    expect(compileError({ id: 'x', name: 'x', agent: { instructions: 'x' }, initial: 'a', stages: { a: { type: 'group', stages: {} } } }).code).toBe(
      'COMPILE_STRUCTURE',
    );
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
