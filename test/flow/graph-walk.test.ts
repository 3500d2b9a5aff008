/**
 * Every example flow (flows/) and every interpreter fixture, compiled and
 * walked with @xstate/graph: every stage is reachable from the start and
 * every transition can fire. See test/helpers/walk-compiled-flow.ts for how
 * guards are treated in the walk.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import { isFlowFileName } from '../../engine/flow/flow-file-names.js';
import type { Flow } from '../../engine/types/flow.generated.js';
import { FIXTURES } from '../helpers/flow-fixtures.js';
import { walkCompiledFlow } from '../helpers/walk-compiled-flow.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function flowFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => isFlowFileName(file))
    .sort()
    .map((file) => path.join(dir, file));
}

const examples = flowFiles(path.join(root, 'flows'));
const fixtures = flowFiles(path.join(FIXTURES, 'interpreter'));
if (examples.length === 0) console.log('graph walk: no example flows exist yet in flows/ — walking the interpreter fixtures only');

describe.each([...examples, ...fixtures].map((file) => [path.relative(root, file), file]))('%s', (_name, file) => {
  const text = readFileSync(file, 'utf8');
  const flow = (file.endsWith('.json') ? JSON.parse(text) : parse(text)) as Flow;
  const compiled = compileFlow(flow);
  const walk = walkCompiledFlow(compiled);

  it('reaches every stage from the start', () => {
    expect([...compiled.stages.keys()].filter((stage) => !walk.reachedStages.has(stage))).toEqual([]);
  });

  it('can fire every transition (intents with arguments their collect schema accepts)', () => {
    const unfired = [...compiled.transitions.values()].filter((t) => !walk.firedTransitions.has(t.id)).map((t) => t.pointer);
    expect(unfired).toEqual([]);
    expect(Object.fromEntries(walk.unsatisfiableCollect)).toEqual({});
  });
});

describe('the walk itself', () => {
  it('finds a stage nothing leads to and a transition an earlier one always beats', () => {
    const compiled = compileFlow({
      id: 'walk-check',
      name: 'Walk check',
      agent: { instructions: 'Agent.' },
      initial: 'a',
      stages: {
        a: { next: [{ to: 'b', intent: 'Go.' }, { to: 'c', intent: 'Go.', name: 'go_b' }] },
        b: {},
        c: {},
        island: {},
      },
    });
    const walk = walkCompiledFlow(compiled);
    expect([...compiled.stages.keys()].filter((stage) => !walk.reachedStages.has(stage))).toEqual(['c', 'island']);
    expect(walk.firedTransitions.has('t0')).toBe(true);
    expect(walk.firedTransitions.has('t1')).toBe(false);
  });

  it('follows $previous back only to stages a global transition interrupted', () => {
    const compiled = compileFlow({
      id: 'walk-previous',
      name: 'Walk previous',
      agent: { instructions: 'Agent.' },
      initial: 'a',
      stages: { a: { next: [{ to: 'b', intent: 'Next.' }] }, b: {}, help: { next: [{ to: '$previous', intent: 'Back.' }] } },
      global: [{ to: 'help', keywords: ['help'] }],
    });
    const walk = walkCompiledFlow(compiled);
    expect(walk.reachedStages).toEqual(new Set(['a', 'b', 'help']));
    expect(walk.firedTransitions).toEqual(new Set(['t0', 't1', 't2']));
  });
});
