/**
 * The one error type Parley throws across boundaries. Every code lives in the
 * catalogue (`catalog.ts`), is documented in `docs/errors.md` with its fix, and
 * is never reused for a different meaning.
 */
import { ERROR_CATALOG, type ErrorCode } from './catalog.js';

/** Who has to act on an error (STYLE §10). */
export type ErrorKind =
  /** The request or document is wrong; the person who sent it can fix it. */
  | 'user'
  /** Something outside Parley failed (network, vendor, disk); an operator acts. */
  | 'operational'
  /** A bug in Parley. */
  | 'unexpected';

export interface ErrorDefinition {
  /** One-line meaning, shown in `docs/errors.md`. */
  readonly meaning: string;
  /** What to do about it, shown in `docs/errors.md` and as the hint of API errors. */
  readonly fix: string;
  readonly kind: ErrorKind;
  /** HTTP status when it reaches the API. */
  readonly status: number;
}

export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly status: number;
  /** Structured details safe to return to the client (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    const def = ERROR_CATALOG[code];
    super(message ?? def.meaning, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ParleyError';
    this.code = code;
    this.kind = def.kind;
    this.status = def.status;
    this.details = options.details;
  }

  /** The fix from the catalogue. */
  get hint(): string {
    return ERROR_CATALOG[this.code].fix;
  }

  toJSON(): { code: ErrorCode; message: string; hint: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, hint: this.hint, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isParleyError(value: unknown): value is ParleyError {
  return value instanceof ParleyError;
}
