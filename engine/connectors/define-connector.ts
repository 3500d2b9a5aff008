/**
 * The connector SDK: what an integrator writes. A connector is a manifest (data:
 * name, version, config schema, operations with input/output JSON Schemas) plus
 * handlers (code). The host validates the manifest when it loads the connector
 * and imports the handlers only when an operation first runs, so a server with
 * many connectors starts fast and a broken handler module cannot stop it.
 *
 *     export default defineConnector({
 *       name: 'weather', version: '1.0.0', description: 'Forecasts',
 *       operations: {
 *         forecast: operation<{ city: string }, { summary: string }>({
 *           description: 'Tomorrow\'s forecast for a city.',
 *           input: { type: 'object', required: ['city'], properties: { city: { type: 'string', description: 'City name' } } },
 *           output: { type: 'object', required: ['summary'], properties: { summary: { type: 'string' } } },
 *           idempotent: true,
 *         }),
 *       },
 *       handlers: () => import('./handlers.js'),   // exports `forecast(input, ctx)`
 *     });
 */
import type { RequestClient as TwilioRequestClient } from 'twilio';
import type { ErrorCode } from '../errors/catalog.js';
import type { ConnectorStorage } from '../store/namespaced-store.js';
import type { ConnectorManifest, Operation as OperationManifest } from '../types/connector.generated.js';
import type { Clock } from '../util/clock.js';

/** The call an operation runs for (absent when it runs outside a call, e.g. from the API). */
export interface ConnectorCall {
  /** Parley's call id. */
  id: string;
  /** Caller number (E.164) or client id. */
  from: string;
  /** Called number (E.164). */
  to: string;
  direction: 'inbound' | 'outbound';
  /** Flow id and published version that handles the call, when known. */
  flowId?: string;
  flowVersion?: number;
}

/** Values a log line may carry. Anything else is dropped (STYLE §14: logs use an allow-list). */
export type LogValue = string | number | boolean | null | undefined;

/**
 * A connector's logger. Field names outside the host's allow-list are dropped,
 * and secret values are replaced by `[redacted]` wherever they appear.
 * Example: `ctx.log.info('booking.created', { bookingId, seats: 2 })`.
 */
export interface ConnectorLogger {
  debug(event: string, fields?: Record<string, LogValue>): void;
  info(event: string, fields?: Record<string, LogValue>): void;
  warn(event: string, fields?: Record<string, LogValue>): void;
  error(event: string, fields?: Record<string, LogValue>): void;
}

/**
 * Shared clients the host hands to every connector. The server passes its own;
 * tests pass doubles (e.g. `createFakeTwilioRest().httpClient`).
 */
export interface ConnectorServices {
  /** HTTP client for the `twilio` package (its `httpClient` option). Undefined: the package's own client. */
  twilioHttpClient?: TwilioRequestClient;
}

/** What a handler gets besides its input. */
export interface ConnectorContext<Config = Record<string, unknown>> {
  /** The validated configuration, secrets included (never log them). */
  readonly config: Readonly<Config>;
  /** This connector's own collections (namespaced: other connectors cannot see them). Throws `CONNECTOR_NO_STORAGE` when the host has no store. */
  readonly storage: ConnectorStorage;
  /** The call being served, when the operation runs during a call. */
  readonly call: ConnectorCall | undefined;
  readonly log: ConnectorLogger;
  /** Aborted on timeout or when the call ends; pass it to `fetch`, sockets, timers. */
  readonly signal: AbortSignal;
  /** Business time: "today", "past", slot search. Tests fix it. */
  readonly clock: Clock;
  readonly services: ConnectorServices;
  /**
   * Reads a secret the operator named in this connector's configuration (for
   * example an http credential's environment variable). The value is then
   * treated like a declared secret: never logged, removed from errors.
   */
  secret(envName: string): string | undefined;
  /** `connector.operation` being run. */
  readonly use: string;
  /** 1 on the first try; higher when an idempotent operation is retried. */
  readonly attempt: number;
}

/** An operation's code. Throw `OperationError` for failures the flow should see by code. */
export type OperationHandler<Input = any, Output = any, Config = any> = (input: Input, ctx: ConnectorContext<Config>) => Promise<Output>;

/** One operation: its manifest entry plus, optionally, its handler inline. */
export interface OperationDefinition<Input = any, Output = any> extends OperationManifest {
  /** The handler, when it lives in the same module (small connectors). Otherwise export it from the `handlers` module. */
  run?: OperationHandler<Input, Output>;
  /** Type-only: carries `Input` and `Output` for `handlers` type checking. Never set it. */
  readonly __types?: { input: Input; output: Output };
}

type InputOf<Op> = Op extends OperationDefinition<infer I, any> ? I : never;
type OutputOf<Op> = Op extends OperationDefinition<any, infer O> ? O : never;

/** The handlers module: one exported function per operation that has no inline `run`. */
export type HandlerModule<Ops extends Record<string, OperationDefinition>> = {
  [K in keyof Ops as Ops[K] extends { run: OperationHandler } ? never : K]: OperationHandler<InputOf<Ops[K]>, OutputOf<Ops[K]>>;
};

/** A connector as its module exports it (default export). */
export interface ConnectorDefinition<Ops extends Record<string, OperationDefinition> = Record<string, OperationDefinition>>
  extends Omit<ConnectorManifest, 'operations'> {
  operations: Ops;
  /**
   * Lazily imports the handlers module, e.g. `() => import('./handlers.js')`.
   * Called once, on the first invocation of an operation without inline `run`.
   */
  handlers?: () => Promise<HandlerModule<Ops>>;
}

/** Declares a connector. It returns its argument; its value is the type checking. */
export function defineConnector<const Ops extends Record<string, OperationDefinition>>(definition: ConnectorDefinition<Ops>): ConnectorDefinition<Ops> {
  return definition;
}

/** Declares one operation with its input and output types, e.g. `operation<FindSlotsInput, FindSlotsOutput>({ ... })`. */
export function operation<Input, Output>(definition: OperationDefinition<Input, Output>): OperationDefinition<Input, Output> {
  return definition;
}

/**
 * A failure the flow and the call record should see by code, e.g.
 * `throw new OperationError('CALENDAR_SLOT_UNAVAILABLE', 'Monday 9:00 AM was just booked')`.
 * Codes are UPPER_SNAKE_CASE; Parley's own are in `docs/errors.md`. Anything
 * else a handler throws becomes `CONNECTOR_FAILED`.
 */
export class OperationError extends Error {
  readonly code: string;
  /** Whether trying again may succeed (only idempotent operations are ever retried). */
  readonly retryable: boolean;

  constructor(code: ErrorCode | (string & {}), message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OperationError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * True for an `OperationError`, also one made by another copy of Parley (a
 * third-party connector may bundle its own), so it checks the shape, not the class.
 */
export function isOperationError(value: unknown): value is OperationError {
  if (value instanceof OperationError) return true;
  if (!(value instanceof Error) || value.name !== 'OperationError') return false;
  const { code, retryable } = value as Partial<OperationError>;
  return typeof code === 'string' && (retryable === undefined || typeof retryable === 'boolean');
}
