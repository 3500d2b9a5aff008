/**
 * Turns what a WebSocket delivers (a string, a Buffer, an ArrayBuffer, or the
 * fragments of one message) into text and parses it as a JSON object, without
 * throwing: protocol parsers build on it and must never throw.
 */

/** What `ws` hands to a `message` listener, or a plain string. */
export type WireData = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

/** The text of a wire message, or undefined when `data` is none of the `WireData` shapes. */
export function wireText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (Array.isArray(data) && data.every((part) => part instanceof Uint8Array)) return Buffer.concat(data as Uint8Array[]).toString('utf8');
  return undefined;
}

/**
 * Parses wire data as a JSON object. Returns the object, or a string saying why
 * it is not one (a string, not a wrapper, so the hot path allocates nothing extra).
 * Never throws.
 */
export function parseJsonObject(data: unknown): Record<string, unknown> | string {
  const text = wireText(data);
  if (text === undefined) return 'the message is not text or bytes';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `the message is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `the message is JSON but not an object (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
  }
  return value as Record<string, unknown>;
}
