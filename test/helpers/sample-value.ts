/**
 * A value that satisfies a (simple) JSON Schema, for driving intents with
 * valid `collect` arguments in graph walks. It covers what flows use —
 * types, enum/const, lengths, bounds, formats, required properties, arrays,
 * anyOf/oneOf — and callers check the result with Ajv, so a schema it cannot
 * satisfy is reported, never silently passed.
 */
const FORMATS: Record<string, string> = {
  email: 'caller@example.com',
  date: '2026-01-06',
  'date-time': '2026-01-06T15:00:00Z',
  time: '15:00:00Z',
  uri: 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
};

export function sampleValue(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object') return 'sample';
  const s = schema as Record<string, any>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) return sampleValue(s.anyOf[0]);
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0) return sampleValue(s.oneOf[0]);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format];
      const length = Math.max(typeof s.minLength === 'number' ? s.minLength : 1, 6);
      return 'sample'.padEnd(length, 'x').slice(0, typeof s.maxLength === 'number' ? s.maxLength : undefined);
    }
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: typeof s.minItems === 'number' ? s.minItems : 1 }, () => sampleValue(s.items));
    case 'object':
    default: {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, sampleValue(value)]));
    }
  }
}
