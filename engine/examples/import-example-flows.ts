/**
 * A fresh install starts with the example flows: `parley serve` loads every
 * `*.yaml`, `*.yml` and `*.json` file of PARLEY_FLOWS_DIR (flow tests,
 * `*.test.yaml`, excepted; default the
 * package's `flows/`) into an EMPTY store — as drafts, published when the
 * linter finds no error. A store that has any flow is never touched, so
 * restarting never overwrites a designer's work, and two processes starting
 * on one empty store import each flow once (the second create loses on the
 * flow id and skips it). A file with lint errors is imported as a draft to be
 * fixed in the editor; one that is not a readable flow is not imported.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ConnectorCatalog } from '../connectors/catalog.js';
import { isParleyError } from '../errors/parley-error.js';
import { isFlowFileName } from '../flow/flow-file-names.js';
import type { FlowRepository } from '../store/flow-repository.js';

/** What an import did. */
export interface FlowImportReport {
  /** Why nothing was imported, when nothing was. */
  skipped?: 'disabled' | 'store-not-empty' | 'no-folder';
  folder: string;
  /** Flows published (lint-clean). */
  published: string[];
  /** Flows imported as drafts because the linter found errors, with how many. */
  drafts: Array<{ id: string; errors: number }>;
  /** Files that could not be imported, and why. */
  failed: Array<{ file: string; reason: string }>;
}

/** Imports the folder's flows when the store has none. */
export async function importExampleFlows(options: { flows: FlowRepository; catalog: ConnectorCatalog; folder: string }): Promise<FlowImportReport> {
  const { flows, catalog, folder } = options;
  const report: FlowImportReport = { folder, published: [], drafts: [], failed: [] };
  if (folder === '') return { ...report, skipped: 'disabled' };
  if ((await flows.list({ limit: 1 })).items.length > 0) return { ...report, skipped: 'store-not-empty' };
  let files: string[];
  try {
    // Flow tests (`*.test.yaml`) sit beside the flows they test: they are not flows.
    files = (await readdir(folder)).filter(isFlowFileName).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return { ...report, skipped: 'no-folder' };
    throw error;
  }
  // The loader and the linter (YAML parser, Ajv schemas) are imported only when there is something to import:
  // a restart, whose store has flows, never loads them.
  const [{ loadFlowFile }, { checkLoadedFlow }] = await Promise.all([import('../flow/load-flow-file.js'), import('../flow/check-flow-document.js')]);
  for (const file of files) {
    const loaded = await loadFlowFile(path.join(folder, file));
    const checked = checkLoadedFlow(loaded, catalog);
    if (!checked.storable) {
      const first = checked.report.findings.find((finding) => finding.severity === 'error');
      report.failed.push({ file, reason: first ? `${first.position ? `line ${first.position.line}: ` : ''}${first.message}` : 'not a flow document' });
      continue;
    }
    const flow = checked.storable;
    // The example flows teach in their comments: keep the text, so the editor and `Accept: application/yaml` show them.
    const yaml = loaded.format === 'yaml' ? { yaml: loaded.text } : {};
    try {
      await flows.create(flow, { author: 'parley serve', ...yaml });
    } catch (error) {
      // Another process importing the same folder got there first, or two files share an id.
      if (isParleyError(error) && error.code === 'FLOW_EXISTS') {
        report.failed.push({ file, reason: `a flow with the id "${flow.id}" already exists` });
        continue;
      }
      throw error;
    }
    if (checked.report.valid) {
      await flows.publish(flow.id, { document: flow, ...yaml, notes: `Imported from ${file}`, author: 'parley serve' });
      report.published.push(flow.id);
    } else {
      report.drafts.push({ id: flow.id, errors: checked.report.errorCount });
    }
  }
  return report;
}

/** The one start-up line about the import, or undefined when there is nothing to say. */
export function describeFlowImport(report: FlowImportReport): string | undefined {
  if (report.skipped === 'disabled' || report.skipped === 'store-not-empty') return undefined;
  if (report.skipped === 'no-folder') return `No example flows imported: ${report.folder} does not exist.`;
  const count = report.published.length + report.drafts.length;
  const parts = [`Imported ${count} example flow${count === 1 ? '' : 's'} from ${report.folder}: ${report.published.length} published`];
  if (report.drafts.length) {
    parts.push(`${report.drafts.length} left as draft${report.drafts.length === 1 ? '' : 's'} with errors (${report.drafts.map((d) => `${d.id}: ${d.errors} error${d.errors === 1 ? '' : 's'}`).join(', ')}; see POST /api/flows/<id>/validate)`);
  }
  if (report.failed.length) parts.push(`not imported: ${report.failed.map((f) => `${f.file} (${f.reason})`).join('; ')}`);
  return parts.join('; ') + '.';
}
