/**
 * The error catalogue: every code Parley can report, one table per area.
 * `docs/errors.md` is generated from it (`npm run gen:docs`) and a test fails
 * when the two drift. One line per area below, so areas merge without conflict.
 */
import type { ErrorDefinition } from './parley-error.js';
import { API_ERRORS } from './api-errors.js';
import { CALENDAR_ERRORS, CONNECTOR_ERRORS, CRM_ERRORS, HTTP_ERRORS, SMS_ERRORS } from './connector-errors.js';
import { CALL_ERRORS, COMPILE_ERRORS } from './call-errors.js';
import { FLOW_ERRORS } from './flow-errors.js';
import { FLOW_TEST_ERRORS } from './flow-test-errors.js';
import { GENERAL_ERRORS } from './general-errors.js';
import { STORE_ERRORS } from './store-errors.js';
import { PROTOCOL_ERRORS } from './protocol-errors.js';
import { RUNTIME_ERRORS } from './runtime-errors.js';

export const ERROR_CATALOG = {
  ...GENERAL_ERRORS,
  ...FLOW_ERRORS,
  ...API_ERRORS,
  ...STORE_ERRORS,
  ...PROTOCOL_ERRORS,
  ...CONNECTOR_ERRORS,
  ...CALENDAR_ERRORS,
  ...CRM_ERRORS,
  ...SMS_ERRORS,
  ...HTTP_ERRORS,
  ...RUNTIME_ERRORS,
  ...COMPILE_ERRORS,
  ...CALL_ERRORS,
  ...FLOW_TEST_ERRORS,
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Catalogue sections in the order `docs/errors.md` shows them. */
export const ERROR_SECTIONS: ReadonlyArray<{ title: string; codes: Record<string, ErrorDefinition> }> = [
  { title: 'General', codes: GENERAL_ERRORS },
  { title: 'Flow documents', codes: FLOW_ERRORS },
  { title: 'HTTP API and configuration', codes: API_ERRORS },
  { title: 'Storage', codes: STORE_ERRORS },
  { title: 'Phone and model protocols, test doubles', codes: PROTOCOL_ERRORS },
  { title: 'Connectors', codes: CONNECTOR_ERRORS },
  { title: 'Calendar connector', codes: CALENDAR_ERRORS },
  { title: 'CRM connector', codes: CRM_ERRORS },
  { title: 'SMS connector', codes: SMS_ERRORS },
  { title: 'HTTP connector', codes: HTTP_ERRORS },
  { title: 'Live calls: telephony, model session, runtime', codes: RUNTIME_ERRORS },
  { title: 'Flow compiler', codes: COMPILE_ERRORS },
  { title: 'Calls', codes: CALL_ERRORS },
  { title: 'Flow tests', codes: FLOW_TEST_ERRORS },
];
