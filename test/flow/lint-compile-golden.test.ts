/**
 * Pins what the linter finds and what the compiler produces, flow by flow, so
 * a change made for speed (caches, scans instead of parses, fewer queries)
 * cannot change a result unnoticed: the example flows, every lint fixture
 * (invalid ones included), and generated flows of the benchmark's shape (one
 * of 1,000 stages, one with errors of several kinds).
 *
 * Each flow's findings and compiled output (data only: the machine config,
 * every table, the XState machine's definition, every template rendered over
 * the initial context) are serialised canonically and hashed; the hashes are
 * in test/fixtures/golden/lint-compile.json. A change that alters a result on
 * purpose regenerates them:
 *
 *   PARLEY_UPDATE_GOLDEN=1 npx vitest run test/flow/lint-compile-golden.test.ts
 *
 * and the commit says why the results changed.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalog as benchCatalog, generateFlow } from '../../bench/flow-generator.js';
import { loadLintCatalog } from '../../engine/cli/catalog-source.js';
import type { ConnectorCatalog } from '../../engine/connectors/catalog.js';
import { isParleyError } from '../../engine/errors/parley-error.js';
import { compileFlow } from '../../engine/flow/compile-flow.js';
import { isFlowFileName, isFlowTestFileName } from '../../engine/flow/flow-file-names.js';
import { lintFlow } from '../../engine/flow/lint-flow.js';
import { loadFlowText } from '../../engine/flow/load-flow.js';
import type { Flow } from '../../engine/types/flow.generated.js';

const GOLDEN = 'test/fixtures/golden/lint-compile.json';

/** JSON of the data in a value: Maps and Sets as entries, functions left out, cycles marked; keys in insertion order (order is part of the result). */
function canonical(value: unknown): string {
  const ancestors: unknown[] = [];
  const visit = (item: unknown, described = false): unknown => {
    if (typeof item === 'function' || typeof item === 'symbol') return undefined;
    if (item instanceof RegExp) return `/${item.source}/${item.flags}`;
    if (item === null || typeof item !== 'object') return item;
    if (ancestors.includes(item)) return '<cycle>';
    // XState's transitions describe themselves (their source and targets as ids, not state nodes).
    if (!described && typeof (item as { toJSON?: unknown }).toJSON === 'function') return visit((item as { toJSON(): unknown }).toJSON(), true);
    ancestors.push(item);
    try {
      if (item instanceof Map) return { '<Map>': [...item].map(([key, entry]) => [visit(key), visit(entry)]) };
      if (item instanceof Set) return { '<Set>': [...item].map((entry) => visit(entry)) };
      if (Array.isArray(item)) return item.map((entry) => visit(entry));
      if (item instanceof Error) return { error: item.name, message: item.message, ...visit({ ...item }) as object };
      const out: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(item)) {
        const mapped = visit(entry);
        if (mapped !== undefined) out[key] = mapped;
      }
      return out;
    } finally {
      ancestors.pop();
    }
  };
  return JSON.stringify(visit(value));
}

/** Every template a compiled flow holds, rendered over its initial context: what a call would say. */
function renderedTemplates(compiled: ReturnType<typeof compileFlow>): Record<string, string> {
  const rendered: Record<string, string> = {};
  const context = { ...compiled.initialContext, call: { from: '+15125550100', to: '+15125550111', direction: 'inbound' } };
  const add = (placed: { template: { render(context: unknown): string }; pointer: string } | undefined) => {
    if (placed) rendered[placed.pointer] = placed.template.render(context);
  };
  add(compiled.agent.instructions);
  for (const stage of compiled.stages.values()) {
    stage.guidance.forEach(add);
    add(stage.say);
    add(stage.transfer?.to);
    add(stage.transfer?.callerId);
  }
  for (const binding of compiled.tools.values()) add(binding.filler);
  return rendered;
}

function result(document: unknown, catalog: ConnectorCatalog | undefined, options: { render: boolean }): string {
  const lint = lintFlow(document, { catalog });
  let compiled: unknown;
  if (lint.flow) {
    try {
      const flow = compileFlow(lint.flow as Flow, catalog ? { catalog } : {});
      const { machine, validators, ...data } = flow;
      void validators;
      compiled = { ...data, machine: machine.root.definition, ...(options.render ? { rendered: renderedTemplates(flow) } : {}) };
    } catch (error) {
      if (!isParleyError(error)) throw error;
      compiled = { error: error.code, message: error.message, details: error.details };
    }
  }
  return canonical({ findings: lint.findings, compiled });
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? fixtureFiles(path.join(dir, entry.name)) : /\.(ya?ml|json)$/.test(entry.name) ? [path.join(dir, entry.name)] : [],
  );
}

function fixtureCatalog(file: string, text: string): ConnectorCatalog | undefined {
  const directives = file.endsWith('.json') ? (() => { try { return readFileSync(`${file}.expect`, 'utf8'); } catch { return ''; } })() : text;
  const name = /^#\s*catalog:\s*(\S+)/m.exec(directives)?.[1];
  return name ? (JSON.parse(readFileSync(path.join('test/fixtures/catalog', `${name}.json`), 'utf8')) as ConnectorCatalog) : undefined;
}

/** A generated flow with mistakes of several kinds, so findings of several checks are pinned too. */
function brokenFlow(): Record<string, unknown> {
  const flow = generateFlow(60, 3) as { context: { schema: { properties: Record<string, unknown> } }; stages: Record<string, any>; tools: Record<string, any> };
  delete flow.context.schema.properties.note1;
  delete flow.context.schema.properties.day2;
  const group1 = flow.stages.group1.stages;
  group1.g1s1.guidance += ' {{#if vip}}never closed';
  group1.g1s2.next[0].to = 'nowhere';
  group1.g1s3.guidance = 'Read {{slots1}} and {{#each party1}}{{name}}{{/each}} {{#unless vip}}{{booking1}}{{else}}{{note1}}{{/unless}}';
  flow.stages.group2.stages.g2s0.next.push({ to: 'g2s1', when: 'attempts >' });
  flow.tools.find3.use = 'calendar.unknown';
  flow.stages.group3.stages.g3s1.tools = ['find3', 'missing_tool'];
  return flow;
}

describe('lint and compile results are pinned', async () => {
  const builtinCatalog = (await loadLintCatalog({ env: {} })).catalog;
  const cases: Array<[string, () => string]> = [
    ...readdirSync('flows')
      .filter((file) => isFlowFileName(file) && !isFlowTestFileName(file))
      .sort()
      .map((file): [string, () => string] => [`flows/${file}`, () => result(loadFlowText(readFileSync(`flows/${file}`, 'utf8'), { file: `flows/${file}` }), builtinCatalog, { render: true })]),
    ...fixtureFiles('test/fixtures/flows')
      .sort()
      .map((file): [string, () => string] => {
        const text = readFileSync(file, 'utf8');
        return [file, () => result(loadFlowText(text, { file }), fixtureCatalog(file, text), { render: true })];
      }),
    ['generated: 120 stages, seed 7', () => result(generateFlow(120, 7), benchCatalog, { render: true })],
    ['generated: 1,000 stages, seed 0', () => result(generateFlow(1000, 0), benchCatalog, { render: false })],
    ['generated: 60 stages with mistakes', () => result(brokenFlow(), benchCatalog, { render: true })],
  ];

  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string>;
  if (process.env.PARLEY_UPDATE_GOLDEN === '1') {
    it('writes the hashes of the current results', () => {
      writeFileSync(GOLDEN, `${JSON.stringify(Object.fromEntries(cases.map(([name, run]) => [name, digest(run())])), null, 2)}\n`);
    });
    return;
  }

  it('covers every flow it has a result for, and has one for every flow', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(Object.keys(golden).sort());
  });

  for (const [name, run] of cases) {
    it(name, () => {
      expect(digest(run())).toBe(golden[name]);
    });
  }
});
