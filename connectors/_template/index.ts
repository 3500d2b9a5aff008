/**
 * A minimal working connector to copy: `cp -r connectors/_template my-connector`.
 * In the copy, import from `parley/connector-sdk` (here, inside Parley's own
 * repository, the SDK is a relative path).
 * The manifest lives here (data only, cheap to import); the code lives in
 * `handlers.ts`, imported the first time an operation runs.
 * Folders starting with `_` are not loaded as built-ins.
 */
import { defineConnector, operation } from '../../engine/connectors/index.js'; // parley/connector-sdk in your copy

/** Input of `greet`. */
export interface GreetInput {
  name: string;
}

/** Output of `greet`. */
export interface GreetOutput {
  text: string;
  /** How many times this name has been greeted, this time included. */
  times: number;
}

/** The validated configuration handlers receive as `ctx.config`. */
export interface TemplateConfig {
  greeting: string;
  apiKey?: string;
}

export default defineConnector({
  name: 'template',
  version: '1.0.0',
  description: 'Greets people by name and counts how often (an example connector).',
  config: {
    type: 'object',
    properties: {
      greeting: { type: 'string', default: 'Hello', description: 'Word to greet with.', 'x-env': 'TEMPLATE_GREETING' },
      apiKey: { type: 'string', description: 'Example secret: read only from the environment, never logged.', 'x-env': 'TEMPLATE_API_KEY', 'x-secret': true },
    },
  },
  operations: {
    greet: operation<GreetInput, GreetOutput>({
      description: 'Greet someone by name.',
      input: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 100, description: 'Who to greet.' } },
      },
      output: {
        type: 'object',
        additionalProperties: false,
        required: ['text', 'times'],
        properties: {
          text: { type: 'string', description: 'The greeting.' },
          times: { type: 'integer', minimum: 1, description: 'How many times this name has been greeted.' },
        },
      },
      // Not idempotent: each call counts. Idempotent operations are retried on failure.
      idempotent: false,
    }),
  },
  handlers: () => import('./handlers.js'),
});
