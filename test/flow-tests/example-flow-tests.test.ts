/**
 * The example flows' own test cases (`flows/*.test.yaml`), run as `parley
 * test flows` runs them: every case passes, and every example flow's cases
 * fire at least 90% of its transitions (issue 6).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowTestFileOf, isFlowFileName, isFlowTestFileName } from '../../engine/flow/flow-file-names.js';
import { transitionRatio } from '../../engine/flow-tests/flow-coverage.js';
import { runFlowTests } from '../../engine/flow-tests/run-flow-tests.js';

const FLOWS = path.resolve(import.meta.dirname, '../../flows');
const flowFiles = readdirSync(FLOWS)
  .filter((name) => isFlowFileName(name) && !isFlowTestFileName(name))
  .sort();

describe('the example flows ship with passing test cases', () => {
  it('every example flow has a test file beside it', () => {
    expect(flowFiles.length).toBeGreaterThanOrEqual(5);
    const missing = flowFiles.filter((name) => !readdirSync(FLOWS).includes(path.basename(flowTestFileOf(path.join(FLOWS, name)))));
    expect(missing).toEqual([]);
  });

  for (const name of flowFiles) {
    it(`${name}: every case passes, at least 90% of transitions fired`, { timeout: 180_000 }, async () => {
      const report = await runFlowTests([flowTestFileOf(path.join(FLOWS, name))]);
      expect(report.problems).toEqual([]);
      const [file] = report.files;
      expect(file?.findings).toEqual([]);
      const failed = file!.cases.filter((c) => c.status !== 'passed').map((c) => ({ name: c.name, status: c.status, failures: c.failures.map((f) => f.message) }));
      expect(failed).toEqual([]);
      expect(file!.cases.length).toBeGreaterThan(0);
      const coverage = file!.coverage!;
      const missed = coverage.transitions.filter((t) => !t.fired).map((t) => t.label);
      expect(transitionRatio(coverage), `transitions no case fires: ${missed.join('; ')}`).toBeGreaterThanOrEqual(0.9);
    });
  }
});
