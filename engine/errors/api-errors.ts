/** Codes the HTTP API and the server's configuration report. */
import type { ErrorDefinition } from './parley-error.js';

export const API_ERRORS = {
  API_NOT_FOUND: {
    meaning: 'No route or resource has that address or id.',
    fix: 'Check the URL and the id; list the collection (e.g. `GET /api/flows`) to see what exists.',
    kind: 'user',
    status: 404,
  },
  API_BAD_REQUEST: {
    meaning: 'The request body, path or query does not match what the route accepts.',
    fix: 'Read `details` for the field and the rule it broke; the route schemas are at `/docs`.',
    kind: 'user',
    status: 400,
  },
  API_INVALID_JSON: {
    meaning: 'The request body is not valid JSON.',
    fix: 'Send a JSON body with `Content-Type: application/json`.',
    kind: 'user',
    status: 400,
  },
  API_UNSUPPORTED_MEDIA_TYPE: {
    meaning: 'The request body has a content type the route does not accept.',
    fix: 'Send `application/json` (flows may also be sent as `application/yaml`).',
    kind: 'user',
    status: 415,
  },
  API_PAYLOAD_TOO_LARGE: {
    meaning: 'The request body is larger than the server accepts.',
    fix: 'Send a smaller body, or raise `PARLEY_BODY_LIMIT` (bytes) on the server.',
    kind: 'user',
    status: 413,
  },
  API_UNAUTHORIZED: {
    meaning: 'The request did not carry the API key, or carried a wrong one.',
    fix: 'Send `Authorization: Bearer <PARLEY_API_KEY>` (or the `x-api-key` header).',
    kind: 'user',
    status: 401,
  },
  API_RATE_LIMITED: {
    meaning: 'Too many requests from this client in a short time.',
    fix: 'Wait for the number of seconds in the `retry-after` header, then retry.',
    kind: 'user',
    status: 429,
  },
  API_CONFLICT: {
    meaning: 'The request conflicts with the current state (the resource exists already, or changed meanwhile).',
    fix: 'Read the resource again and retry with its current state, or use another id.',
    kind: 'user',
    status: 409,
  },
  API_METHOD_NOT_ALLOWED: {
    meaning: 'The route exists but not with this HTTP method.',
    fix: 'Use one of the methods listed at `/docs` for this route.',
    kind: 'user',
    status: 405,
  },
  API_FLOW_INVALID: {
    meaning: 'The flow document cannot be stored: it is not valid YAML or JSON, or it does not have the shape of a flow (wrong types, unknown or missing fields). Nothing was saved.',
    fix: 'Fix the findings in `details.findings` (each has a JSON pointer and, for text you sent, a line and column); `POST /api/flows/validate` checks a document without saving it.',
    kind: 'user',
    status: 422,
  },
  API_PUBLISH_REFUSED: {
    meaning: 'The flow was not published because the linter found errors in it; nothing changed.',
    fix: 'Fix the error-level findings in `details.findings`, save the draft, and publish again. Warnings do not block publishing.',
    kind: 'user',
    status: 422,
  },
  CONFIG_INVALID: {
    meaning: 'A configuration variable has a value Parley cannot use.',
    fix: 'Fix the variable named in the message; `.env.example` lists every variable with an example.',
    kind: 'operational',
    status: 500,
  },
} as const satisfies Record<string, ErrorDefinition>;
