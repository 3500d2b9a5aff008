/**
 * Reads a flow test file (YAML or JSON) the way the flow loader reads flows —
 * same parser, same position model, so a problem is reported at
 * `file:line:column` — and checks it against schemas/flow-test.schema.json.
 * Never throws on bad content: problems come back as findings; only a file
 * that cannot be read at all throws (`IO`).
 */
import { readFile } from 'node:fs/promises';
import { ParleyError } from '../errors/parley-error.js';
import type { Finding, SourcePosition } from '../flow/finding.js';
import { loadFlowText } from '../flow/load-flow.js';
import type { FlowTestFile } from '../types/flow-test.generated.js';
import { checkFlowTestSchema } from './flow-test-schema.js';

/** A flow test file as read: its document (when it fits the schema), where things are, and what is wrong with it. */
export interface LoadedFlowTest {
  file: string;
  /** The document, when it parsed and fits the schema; undefined otherwise (see `findings`). */
  document: FlowTestFile | undefined;
  /** The parsed value, whatever it is (for messages). */
  value: unknown;
  /** Syntax and schema problems, in source order. */
  findings: Finding[];
  /** Where the value at a JSON pointer starts (1-based). */
  positionOf(pointer: string): SourcePosition | undefined;
  /** Where a finding about a pointer is shown: mappings at their key, scalars at their value. */
  anchorOf(pointer: string): SourcePosition | undefined;
}

/** Parses and checks test file text. */
export function loadFlowTestText(text: string, file: string): LoadedFlowTest {
  const loaded = loadFlowText(text, { file });
  const findings: Finding[] = loaded.findings.map((finding) => ({
    ...finding,
    code: finding.code === 'FLOW_DUPLICATE_KEY' ? 'FLOW_TEST_DUPLICATE_KEY' : 'FLOW_TEST_SYNTAX',
  }));
  const fatal = loaded.value === undefined && findings.length > 0;
  let valid = false;
  if (!fatal) {
    const problems = checkFlowTestSchema(loaded.value);
    valid = problems.length === 0;
    for (const problem of problems) {
      const position = problem.atKey ? loaded.positions.keyPositionOf(problem.pointer) : loaded.positions.anchorOf(problem.pointer);
      findings.push({
        code: problem.code,
        severity: 'error',
        pointer: problem.pointer,
        file,
        ...(position ? { position } : {}),
        message: problem.message,
        ...(problem.hint ? { hint: problem.hint } : {}),
      });
    }
  }
  findings.sort((a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0));
  const hasErrors = findings.some((finding) => finding.severity === 'error');
  return {
    file,
    document: valid && !hasErrors ? (loaded.value as FlowTestFile) : undefined,
    value: loaded.value,
    findings,
    positionOf: (pointer) => loaded.positions.positionOf(pointer),
    anchorOf: (pointer) => loaded.positions.anchorOf(pointer),
  };
}

/** Reads and checks a test file; throws ParleyError `IO` when it cannot be read. */
export async function loadFlowTestFile(file: string): Promise<LoadedFlowTest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ParleyError('IO', `cannot read ${file}: ${reason}`, { cause: error, details: { path: file } });
  }
  return loadFlowTestText(text, file);
}
