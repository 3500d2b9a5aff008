import { afterAll, beforeAll, expect, it } from 'vitest';
import { namespacedStore } from '../../engine/store/namespaced-store.js';
import { describeOnStores, type OpenedStore } from './store-targets.js';

describeOnStores('connector storage', (target) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    opened = await target.open();
  });
  afterAll(async () => opened?.dispose());

  it('gives each connector its own collections, even under the same names', async () => {
    const calendar = namespacedStore(opened.store, 'calendar');
    const crm = namespacedStore(opened.store, 'crm');
    expect(calendar.kind).toBe(opened.store.kind);
    expect(calendar.namespace).toBe('conn_calendar.');
    await calendar.collection('items').insertOne({ _id: 'x', owner: 'calendar' });
    await crm.collection('items').insertOne({ _id: 'x', owner: 'crm' });
    expect(await calendar.collection('items').findOne({ _id: 'x' })).toEqual({ _id: 'x', owner: 'calendar' });
    expect(await crm.collection('items').count()).toBe(1);
    expect(calendar.collection('items').name).toBe('conn_calendar.items');
    // Parley's own collection of the same name is untouched.
    expect(await opened.store.collection('items').count()).toBe(0);
  });

  it('keeps names apart that an underscore separator would merge', async () => {
    const a = namespacedStore(opened.store, 'a');
    const ab = namespacedStore(opened.store, 'a_b');
    await a.collection('b_c').insertOne({ from: 'a' });
    await ab.collection('c').insertOne({ from: 'a_b' });
    expect(await a.collection('b_c').count()).toBe(1);
    expect(await ab.collection('c').count()).toBe(1);
    expect(a.collection('b_c').name).not.toBe(ab.collection('c').name);
  });

  it('refuses names that could reach outside the connector\'s namespace (STORE_BAD_NAME)', () => {
    const crm = namespacedStore(opened.store, 'crm');
    for (const name of ['other.items', '../calls', '', 'a b', '_x', 'x'.repeat(65)]) {
      expect(() => crm.collection(name), name).toThrow(expect.objectContaining({ code: 'STORE_BAD_NAME' }));
    }
    for (const name of ['Calendar', 'crm.x', 'a b', '', '-x', 'x'.repeat(64)]) {
      expect(() => namespacedStore(opened.store, name), name).toThrow(expect.objectContaining({ code: 'STORE_BAD_NAME' }));
    }
  });
});
