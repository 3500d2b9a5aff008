import { describe, expect, it } from 'vitest';
import { findOperation } from '../../engine/connectors/catalog.js';
import { createConnectorHost } from '../../engine/connectors/connector-host.js';
import { connectorCallOf, runToolEffect } from '../../engine/connectors/run-tool-effect.js';
import { loadConnectorForTest } from '../../engine/testing/connector-test-kit.js';

describe('built-in connectors in the catalog', () => {
  it('loads calendar, crm, http and sms from connectors/ (not _template), sms unconfigured without Twilio settings', async () => {
    const host = await createConnectorHost({ env: {} });
    const catalog = host.catalog();
    expect(Object.keys(catalog).sort()).toEqual(['calendar', 'crm', 'http', 'sms']);
    for (const name of ['calendar', 'crm', 'http']) expect(catalog[name], name).toMatchObject({ configured: true, source: 'builtin', version: '1.0.0' });
    expect(catalog.sms).toMatchObject({ configured: false, source: 'builtin', problem: { code: 'CONNECTOR_NOT_CONFIGURED' } });
    expect(Object.keys(catalog.calendar!.operations)).toEqual(['findSlots', 'book', 'cancel', 'reschedule', 'getBooking', 'findBookings', 'listServices', 'getHours']);
    expect(Object.keys(catalog.crm!.operations)).toEqual(['lookupContact', 'upsertContact', 'addDependent', 'addNote', 'logInteraction', 'getInteractions']);
    expect(findOperation(catalog, 'calendar.book')).toMatchObject({ idempotent: false, pii: ['contact'] });
    expect(findOperation(catalog, 'calendar.findSlots')!.input).toMatchObject({ type: 'object', properties: { seats: { type: 'integer', default: 1 } } });
    expect(findOperation(catalog, 'sms.send')).toMatchObject({ idempotent: false, pii: ['to'] });
    expect(findOperation(catalog, 'http.get')!.idempotent).toBe(true);
    expect(host.problems().map((p) => p.connector)).toEqual(['sms']);
  });

  it('is the same frozen object every time (pure: nothing is read again)', async () => {
    const host = await createConnectorHost({ env: {} });
    expect(host.catalog()).toBe(host.catalog());
    expect(Object.isFrozen(host.catalog().calendar!.operations.findSlots)).toBe(true);
  });
});

describe('runToolEffect: the interpreter\'s tool.run effect through the host', () => {
  const call = { id: 'call-1', from: '+15125550142', to: '+15125550199', direction: 'inbound' as const, parameters: {}, startedAt: '2026-01-05T15:00:00Z' };
  const effect = { type: 'tool.run' as const, callId: 'fc_1', tool: 'check_availability', use: 'calendar.findSlots', args: { seats: 'two' }, timeoutMs: 2000, fillerAfterMs: 1500, origin: 'model' as const };

  it('turns a failure into a tool.result event with the code', async () => {
    const host = await createConnectorHost({ env: {} });
    const event = await runToolEffect(host, effect, { call: connectorCallOf(call, { id: 'dental-outreach', version: 2 }) });
    expect(event).toMatchObject({ type: 'tool.result', callId: 'fc_1', ok: false, error: { code: 'CONNECTOR_INPUT_INVALID' } });
    expect(event.latencyMs).toBeGreaterThanOrEqual(0);
    expect(connectorCallOf(call, { id: 'dental-outreach', version: 2 })).toEqual({ id: 'call-1', from: '+15125550142', to: '+15125550199', direction: 'inbound', flowId: 'dental-outreach', flowVersion: 2 });
  });

  it('turns a success into a tool.result event with the full result', async () => {
    const kit = await loadConnectorForTest('connectors/_template');
    try {
      const event = await runToolEffect(kit.host, { ...effect, use: 'template.greet', args: { name: 'Ann' } });
      expect(event).toMatchObject({ type: 'tool.result', callId: 'fc_1', ok: true, result: { text: 'Hello, Ann!', times: 1 } });
    } finally {
      await kit.close();
    }
  });

  it('reports a connector used without storage as CONNECTOR_NO_STORAGE', async () => {
    const host = await createConnectorHost({ builtins: false, connectors: ['connectors/_template'], env: {} });
    expect(await runToolEffect(host, { ...effect, use: 'template.greet', args: { name: 'Ann' } })).toMatchObject({ ok: false, error: { code: 'CONNECTOR_NO_STORAGE' } });
  });
});
