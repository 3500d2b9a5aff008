/**
 * Which files are flows and which are flow tests. Flow tests sit beside the
 * flows they test (`dental-outreach.test.yaml` next to `dental-outreach.yaml`),
 * so everything that reads a folder of flows — `parley validate`, the example
 * importer of `parley serve` — must skip them, and `parley test` finds them
 * by the same rule.
 */
import path from 'node:path';

const FLOW_FILE = /\.(ya?ml|json)$/i;
const FLOW_TEST_FILE = /\.test\.(ya?ml|json)$/i;

/** Whether a file found in a folder is a flow: `*.yaml`, `*.yml`, `*.json`, but not a flow test. */
export function isFlowFileName(name: string): boolean {
  return FLOW_FILE.test(name) && !FLOW_TEST_FILE.test(name);
}

/** Whether a file is a flow test: `*.test.yaml`, `*.test.yml`, `*.test.json`. */
export function isFlowTestFileName(name: string): boolean {
  return FLOW_TEST_FILE.test(name);
}

/** The flow files a test file may test when it names none, most likely first: `x.test.yaml` → `x.yaml`, `x.yml`, `x.json`. */
export function siblingFlowFiles(testFile: string): string[] {
  const base = testFile.replace(FLOW_TEST_FILE, '');
  const own = path.extname(testFile).toLowerCase();
  return [...new Set([own, '.yaml', '.yml', '.json'])].map((extension) => base + extension);
}

/** The test file beside a flow: `x.yaml` → `x.test.yaml` (same extension). */
export function flowTestFileOf(flowFile: string): string {
  const extension = path.extname(flowFile);
  return flowFile.slice(0, flowFile.length - extension.length) + '.test' + (extension || '.yaml');
}
