/** Flow fixtures for tests: YAML files under test/fixtures/flows, and small inline flows. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Flow } from '../../engine/types/flow.generated.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/flows');

/** Reads a flow fixture (YAML) by its path under test/fixtures/flows. */
export function loadFixture(relative: string): Flow {
  return parse(readFileSync(path.join(FIXTURES, relative), 'utf8')) as Flow;
}

/** A minimal flow around the given stages (the first one is initial). */
export function flowOf(stages: Flow['stages'], extra: Partial<Flow> = {}): Flow {
  return { id: 'test-flow', name: 'Test flow', agent: { instructions: 'You are a test agent.' }, initial: Object.keys(stages)[0]!, stages, ...extra };
}
