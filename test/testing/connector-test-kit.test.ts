import { describe, expect, it } from 'vitest';
import { loadConnectorForTest } from '../../engine/testing/connector-test-kit.js';

describe('connector test kit', () => {
  it('runs the template connector with a temp store and a fixed clock', async () => {
    const kit = await loadConnectorForTest('connectors/_template', { env: { TEMPLATE_GREETING: 'Howdy', TEMPLATE_API_KEY: 'tmpl-secret-123' }, now: '2026-03-02T10:00:00Z' });
    try {
      expect(kit.name).toBe('template');
      expect(await kit.missingHandlers()).toEqual([]);
      expect(await kit.ok('greet', { name: 'Ann' })).toEqual({ text: 'Howdy, Ann!', times: 1 });
      expect(await kit.ok('greet', { name: 'ann' })).toEqual({ text: 'Howdy, ann!', times: 2 });
      const stored = await kit.storage.collection('greetings').findOne({ _id: 'ann' });
      expect(stored).toMatchObject({ times: 2, lastAt: '2026-03-02T10:00:00.000Z' });
      // Namespaced: the connector's collection is not visible under its bare name.
      expect(await kit.store.collection('greetings').count()).toBe(0);
      const error = await kit.fails('greet', { name: '' }, 'CONNECTOR_INPUT_INVALID');
      expect(error.message).toContain('input.name');
      expect(JSON.stringify(kit.logs)).not.toContain('tmpl-secret-123');
      await expect(kit.fails('greet', { name: 'Bo' }, 'CONNECTOR_INPUT_INVALID')).rejects.toThrow('succeeded, expected CONNECTOR_INPUT_INVALID');
    } finally {
      await kit.close();
    }
  });

  it('loads built-ins by name and refuses sources that are not one connector', async () => {
    const kit = await loadConnectorForTest('http');
    try {
      expect(Object.keys(kit.host.catalog().http!.operations)).toEqual(['get', 'request']);
      expect(await kit.missingHandlers()).toEqual([]);
    } finally {
      await kit.close();
    }
    await expect(loadConnectorForTest('test/nowhere')).rejects.toThrow('is not one connector');
  });
});
