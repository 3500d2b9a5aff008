/**
 * The error catalogue: every code Parley can report, one table per area.
 * `docs/errors.md` is generated from it (`npm run gen:docs`) and a test fails
 * when the two drift.
 */
import type { ErrorDefinition } from './parley-error.js';
import { CALL_ERRORS, COMPILE_ERRORS } from './call-errors.js';
import { FLOW_ERRORS } from './flow-errors.js';
import { GENERAL_ERRORS } from './general-errors.js';

export const ERROR_CATALOG = {
  ...GENERAL_ERRORS,
  ...FLOW_ERRORS,
  ...COMPILE_ERRORS,
  ...CALL_ERRORS,
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Catalogue sections in the order `docs/errors.md` shows them. */
export const ERROR_SECTIONS: ReadonlyArray<{ title: string; codes: Record<string, ErrorDefinition> }> = [
  { title: 'General', codes: GENERAL_ERRORS },
  { title: 'Flow documents', codes: FLOW_ERRORS },
  { title: 'Flow compiler', codes: COMPILE_ERRORS },
  { title: 'Calls', codes: CALL_ERRORS },
];
