/**
 * Logging for connectors. Log lines carry an event name and allow-listed fields
 * only (STYLE §14): a handler that logs `{ phone, body }` by mistake loses those
 * fields instead of leaking personal data. Every string is passed through the
 * secret redactor, so a token can never reach the log sink, whatever a handler
 * or an upstream error message contains.
 */
import type { ConnectorLogger, LogValue } from './define-connector.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One log line as the host hands it to the sink. */
export interface LogRecord {
  level: LogLevel;
  /** Connector name, or `host` for the host's own lines. */
  connector: string;
  /** Dotted event name, e.g. `operation.failed`. */
  event: string;
  fields: Record<string, LogValue>;
}

/** Where log records go: the server adapts its pino logger to this. */
export type LogSink = (record: LogRecord) => void;

/** Field names a log line may carry. Identifiers, counts, codes — no phone numbers, names or message text. */
export const LOG_FIELD_ALLOW_LIST: ReadonlySet<string> = new Set([
  'connector',
  'use',
  'operation',
  'attempt',
  'attempts',
  'code',
  'status',
  'latencyMs',
  'timeoutMs',
  'callId',
  'flowId',
  'flowVersion',
  'source',
  'message',
  'bookingId',
  'calendar',
  'service',
  'seats',
  'contactId',
  'sid',
  'messageStatus',
  'template',
  'count',
  'imported',
  'updated',
  'rejected',
  'method',
  'host',
  'statusCode',
  'bytes',
  'redirects',
  'reason',
]);

/** Replaces known secret values in text. Secrets shorter than 4 characters are ignored (they would redact ordinary words). */
export interface SecretRedactor {
  add(secret: string): void;
  redact(text: string): string;
}

export function createSecretRedactor(): SecretRedactor {
  const secrets = new Set<string>();
  return {
    add(secret) {
      if (secret.length < 4) return;
      secrets.add(secret);
      // The same secret as it appears in URLs and in Basic auth headers.
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) secrets.add(encoded);
    },
    redact(text) {
      let out = text;
      for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
      return out;
    },
  };
}

/** A logger for one connector that filters fields and redacts secrets before the sink sees anything. */
export function createConnectorLogger(connector: string, sink: LogSink, redactor: SecretRedactor, base: Record<string, LogValue> = {}): ConnectorLogger {
  const emit = (level: LogLevel, event: string, fields: Record<string, LogValue> = {}) => {
    const clean: Record<string, LogValue> = {};
    for (const [key, value] of Object.entries({ ...base, ...fields })) {
      if (!LOG_FIELD_ALLOW_LIST.has(key) || value === undefined) continue;
      clean[key] = typeof value === 'string' ? redactor.redact(value) : value;
    }
    try {
      sink({ level, connector, event: redactor.redact(String(event)), fields: clean });
    } catch {
      // A broken sink must not fail the operation that logged.
    }
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

/** The default sink: nothing. The server passes one that writes through its logger. */
export const silentLogSink: LogSink = () => {};
