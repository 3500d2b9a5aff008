import { describe, expect, it } from 'vitest';
import { redactForModel } from '../../engine/connectors/redact-for-model.js';

const lookup = { pii: ['phone', 'email', 'address'] };
const result = { found: true, name: 'Maria Garcia', phone: '+15125550142', email: 'maria@example.com', address: '123 Main St', dependents: [{ name: 'Tony', age: 8 }] };

describe('redactForModel', () => {
  it('hides the operation\'s PII fields when the binding has no expose', () => {
    expect(redactForModel(result, lookup)).toEqual({ found: true, name: 'Maria Garcia', dependents: [{ name: 'Tony', age: 8 }] });
  });

  it('shows exactly the exposed fields, PII included when named', () => {
    expect(redactForModel(result, lookup, ['name', 'phone'])).toEqual({ name: 'Maria Garcia', phone: '+15125550142' });
    expect(redactForModel(result, lookup, ['dependents', 'missing'])).toEqual({ dependents: [{ name: 'Tony', age: 8 }] });
  });

  it('passes results of operations without PII through unchanged', () => {
    expect(redactForModel(result, { pii: [] })).toBe(result);
    expect(redactForModel(result, undefined)).toBe(result);
  });

  it('does not copy inherited properties', () => {
    const tricky = Object.create({ phone: '+15125550142' }) as Record<string, unknown>;
    tricky.name = 'x';
    expect(redactForModel(tricky, lookup, ['phone', 'name'])).toEqual({ name: 'x' });
  });

  it('leaves non-object results alone', () => {
    expect(redactForModel('text', lookup)).toBe('text');
    expect(redactForModel(null, lookup)).toBeNull();
  });
});
