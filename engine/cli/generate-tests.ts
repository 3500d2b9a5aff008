/**
 * `parley test --generate [flow]...`: writes a skeleton case for every
 * transition no case covers yet (engine/flow-tests/generate-flow-tests.ts)
 * and says what it wrote, per flow: the file, each case and the transitions
 * it covers, and the transitions no path reaches with the reason. Exit 0 when
 * every flow could be handled, 1 when a flow or its test file has errors
 * (nothing is written for it), 2 on usage or I/O errors (thrown, handled by
 * the test command).
 */
import path from 'node:path';
import type { GenerateReport } from '../flow-tests/generate-flow-tests.js';
import type { CliIO } from './main.js';
import type { TestArgs } from './test-command.js';

/** The report in words. */
export function formatGenerateReport(report: GenerateReport, cwd = process.cwd()): string {
  const lines: string[] = [];
  const rel = (file: string) => path.relative(cwd, file) || file;
  for (const flow of report.flows) {
    if (flow.problem) {
      lines.push(`${rel(flow.flowFile)}: nothing generated: ${flow.problem}`);
      continue;
    }
    const coverage = `${flow.transitions.covered}/${flow.transitions.all} transitions covered by existing cases`;
    if (flow.cases.length === 0) lines.push(`${rel(flow.flowFile)}: nothing to add (${coverage}${flow.unreachable.length > 0 ? ', the rest cannot be reached' : ''})`);
    else {
      const placeholders = flow.cases.reduce((n, c) => n + c.placeholders, 0);
      lines.push(`${rel(flow.testFile)}: ${flow.created ? 'created with' : 'added'} ${flow.cases.length} case${flow.cases.length === 1 ? '' : 's'} (${coverage}), ${placeholders} TODO${placeholders === 1 ? '' : 's'} to fill in`);
      for (const entry of flow.cases) {
        lines.push(`  + ${entry.name} (${entry.turns} turn${entry.turns === 1 ? '' : 's'})`);
        for (const also of entry.alsoCovers) lines.push(`      also covers ${also}`);
      }
    }
    for (const entry of flow.unreachable) lines.push(`  ! cannot reach ${entry.transition}: ${entry.reason}`);
  }
  for (const problem of report.problems) lines.push(`${rel(problem.path)}: ${problem.message}`);
  if (report.flows.some((flow) => flow.cases.length > 0)) {
    lines.push('', 'Fill in each TODO (a case with one left does not run), then run `parley test`.');
  }
  return lines.join('\n');
}

export async function runGenerate(parsed: TestArgs, io: CliIO): Promise<number> {
  const { generateFlowTests } = await import('../flow-tests/generate-flow-tests.js');
  const report = await generateFlowTests(parsed.paths, { concurrency: parsed.concurrency });
  if (parsed.json) io.out(JSON.stringify(report, null, 2));
  else io.out(formatGenerateReport(report));
  if (report.problems.length > 0) return 2;
  return report.flows.some((flow) => flow.problem) ? 1 : 0;
}
