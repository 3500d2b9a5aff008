/**
 * The http connector: templated REST calls for anything without a connector of
 * its own. Flow designers bind the URL, method and credential in `with`; the
 * model fills in the template variables. Every request goes through the SSRF
 * guard, a response size limit and the invocation's timeout.
 */
import { defineConnector, operation } from '../../engine/connectors/define-connector.js';

/** A named credential: how to authenticate, the environment variable(s) holding the secret, and the hosts it may be sent to. */
export type HttpCredential =
  | { type: 'bearer'; env: string; hosts: string[] }
  | { type: 'basic'; username?: string; usernameEnv?: string; passwordEnv: string; hosts: string[] }
  | { type: 'header'; header: string; env: string; hosts: string[] };

/** The http connector's configuration. */
export interface HttpConfig {
  allowPrivate: string[];
  maxResponseBytes: number;
  maxRedirects: number;
  userAgent: string;
  credentials: Record<string, HttpCredential>;
}

/** Input of `get` and `request`. Fields not listed here are template variables. */
export interface HttpInput {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  body?: unknown;
  bodyType?: 'json' | 'form' | 'text';
  credential?: string;
  map?: string;
  acceptStatus?: number[];
  params?: Record<string, unknown>;
  [variable: string]: unknown;
}

/** Output of `get` and `request`. */
export interface HttpOutput {
  status: number;
  url: string;
  contentType: string;
  body: unknown;
  data?: unknown;
}

const templateNote = 'May contain {{variable}} placeholders, filled from `params` and from any other input field.';

const commonInput = {
  url: { type: 'string', minLength: 1, maxLength: 4096, description: `Absolute http(s) URL, e.g. https://vpic.nhtsa.dot.gov/api/vehicles/DecodeVinValues/{{vin}}?format=json. ${templateNote} Values are URL-encoded. Bind it in \`with\`; do not let the model choose it.` },
  query: {
    type: 'object',
    description: `Query parameters to add to the URL. String values: ${templateNote}`,
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
  headers: {
    type: 'object',
    description: `Request headers. ${templateNote} Host, Content-Length, Transfer-Encoding and Connection are set by Parley.`,
    additionalProperties: { type: 'string' },
  },
  credential: { type: 'string', description: 'Name of a credential from the connector configuration (`credentials`), sent only to the hosts it lists.' },
  map: { type: 'string', minLength: 1, description: 'JSONata expression over the response body giving `data`, e.g. `Results[0].{"make": Make, "model": Model, "year": ModelYear}`. `$status` and `$headers` are available.' },
  acceptStatus: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, description: 'Non-2xx statuses to return as results instead of `HTTP_BAD_STATUS` errors, e.g. [404].' },
  params: { type: 'object', description: 'Template variables (also taken from any input field not listed here).' },
} as const;

const output = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'url', 'contentType', 'body'],
  properties: {
    status: { type: 'integer', description: 'HTTP status of the final response.' },
    url: { type: 'string', description: 'Final URL, after redirects.' },
    contentType: { type: 'string', description: 'Content-Type of the response (empty when none).' },
    body: { description: 'Parsed JSON when the response is JSON, else text (empty for HEAD).' },
    data: { description: 'The `map` expression applied to the body, when `map` was given.' },
  },
} as const;

export default defineConnector({
  name: 'http',
  version: '1.0.0',
  description: 'Calls an HTTP API: templated URL, headers and body; credentials from the environment; response mapping; SSRF guard.',
  config: {
    type: 'object',
    properties: {
      allowPrivate: {
        type: 'array',
        items: { type: 'string' },
        default: [],
        description: 'Hosts, IPs or CIDR ranges on internal networks that may be called anyway, e.g. `127.0.0.1`, `10.0.0.0/8`, `crm.internal`, `*.corp.example`. Comma-separated in the environment.',
        'x-env': 'PARLEY_HTTP_ALLOW_PRIVATE',
      },
      maxResponseBytes: { type: 'integer', minimum: 1, default: 1048576, description: 'Largest response body read, in bytes; larger responses are aborted (HTTP_RESPONSE_TOO_LARGE). Default 1 MiB.', 'x-env': 'PARLEY_HTTP_MAX_RESPONSE_BYTES' },
      maxRedirects: { type: 'integer', minimum: 0, maximum: 10, default: 3, description: 'Redirects followed (each target re-checked by the SSRF guard); 0 disables them.', 'x-env': 'PARLEY_HTTP_MAX_REDIRECTS' },
      userAgent: { type: 'string', default: 'Parley-http-connector/1.0', description: 'User-Agent header sent with every request.' },
      credentials: {
        type: 'object',
        default: {},
        description:
          'Named credentials: `{ "nhtsa": { "type": "bearer", "env": "NHTSA_TOKEN", "hosts": ["vpic.nhtsa.dot.gov"] } }`. Types: `bearer` (env), `basic` (username or usernameEnv, passwordEnv), `header` (header, env). Values are read from the named environment variables; a credential is only sent to its hosts. JSON in the environment.',
        'x-env': 'PARLEY_HTTP_CREDENTIALS',
        additionalProperties: {
          type: 'object',
          required: ['type', 'hosts'],
          properties: {
            type: { enum: ['bearer', 'basic', 'header'] },
            env: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
            username: { type: 'string' },
            usernameEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
            passwordEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$' },
            header: { type: 'string', pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
            hosts: { type: 'array', minItems: 1, items: { type: 'string' } },
          },
        },
      },
    },
  },
  operations: {
    get: operation<HttpInput, HttpOutput>({
      description: 'GET a URL and return its (mapped) response. Safe to retry.',
      idempotent: true,
      input: {
        type: 'object',
        required: ['url'],
        properties: {
          ...commonInput,
          method: { enum: ['GET', 'HEAD'], default: 'GET', description: 'GET or HEAD.' },
        },
      },
      output,
    }),
    request: operation<HttpInput, HttpOutput>({
      description: 'Send an HTTP request (any method, with a body) and return its (mapped) response. Not retried.',
      idempotent: false,
      input: {
        type: 'object',
        required: ['url', 'method'],
        properties: {
          ...commonInput,
          method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], description: 'HTTP method.' },
          body: { description: `Request body: a JSON value. String leaves: ${templateNote} A leaf that is exactly "{{name}}" keeps the variable's type.` },
          bodyType: { enum: ['json', 'form', 'text'], default: 'json', description: 'How the body is sent: JSON, form-encoded (an object of strings), or text (a string).' },
        },
      },
      output,
    }),
  },
  handlers: () => import('./handlers.js'),
});
