/**
 * Codes of findings about flow documents (loader and linter). Stable: tests,
 * the editor and users' CI match on them. Add new codes; never rename or reuse.
 */
import type { ErrorDefinition } from './parley-error.js';

const flow = (meaning: string, fix: string): ErrorDefinition => ({ meaning, fix, kind: 'user', status: 422 });

export const FLOW_ERRORS = {
  FLOW_SYNTAX: flow('The file is not valid YAML or JSON.', 'Fix the syntax at the line and column given; check indentation and quotes.'),
} as const satisfies Record<string, ErrorDefinition>;
