/**
 * A flow document as YAML text. Flows are stored as JSON, which has no place
 * for comments, yet the YAML a designer writes (and the example flows) is full
 * of them. So the text a draft was saved from is kept beside it, and shown
 * again for as long as it still reads as exactly the stored document; once the
 * document has changed any other way, the YAML is generated from it.
 */
import { stringify } from 'yaml';
import type { Flow } from '../types/flow.generated.js';
import { jsonEqual } from './diff-flows.js';
import { loadFlowText } from './load-flow.js';

/** The YAML form of a document, generated (no comments). */
export function toYaml(document: Flow): string {
  return stringify(document, { lineWidth: 0 });
}

/**
 * The YAML to show for a stored document: `source` — the text it was saved
 * from, comments and layout included — when that text reads as this very
 * document, else the generated form.
 */
export function yamlOf(document: Flow, source: string | undefined): string {
  if (source !== undefined) {
    // Read it as it was read when saved: the same loader, so the same value.
    const loaded = loadFlowText(source, { format: 'yaml' });
    if (loaded.findings.length === 0 && jsonEqual(loaded.value, document)) return source;
  }
  return toYaml(document);
}
