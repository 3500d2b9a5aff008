import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNumberRepository, normalizePhoneNumber, type NumberRepository } from '../../engine/store/number-repository.js';
import { createManualClock } from '../../engine/util/clock.js';
import { describeOnStores, type OpenedStore } from './store-targets.js';

describe('normalizePhoneNumber', () => {
  it('accepts E.164, removing spaces, dashes, dots and parentheses', () => {
    expect(normalizePhoneNumber('+15125550199')).toBe('+15125550199');
    expect(normalizePhoneNumber('+1 (512) 555-0199')).toBe('+15125550199');
    expect(normalizePhoneNumber('+44 20 7946.0958')).toBe('+442079460958');
  });

  it('refuses anything else with NUMBER_INVALID', () => {
    for (const bad of ['5125550199', '+0125550199', '+1512555019912345', '+1 512 CALL NOW', '', '+', 15125550199, null]) {
      expect(() => normalizePhoneNumber(bad), String(bad)).toThrow(expect.objectContaining({ code: 'NUMBER_INVALID', status: 422 }));
    }
  });
});

describeOnStores('number repository', (target) => {
  let opened: OpenedStore;
  let numbers: NumberRepository;
  const clock = createManualClock();

  beforeAll(async () => {
    opened = await target.open();
    numbers = await createNumberRepository(opened.store, { clock });
  });
  afterAll(async () => opened?.dispose());

  it('routes a number to a flow with a greeting and a context, and finds it in any formatting', async () => {
    const context = { org: { name: 'Jefferson Dental', 'escalation.phone': '+15125550199' }, $note: 'kept as given' };
    const route = await numbers.create({ number: '+1 512-555-0100', flowId: 'dental-outreach', greeting: 'Thanks for calling.', context });
    expect(route).toEqual({
      number: '+15125550100',
      flowId: 'dental-outreach',
      greeting: 'Thanks for calling.',
      context,
      createdAt: '2026-01-05T15:00:00.000Z',
      updatedAt: '2026-01-05T15:00:00.000Z',
    });
    expect(await numbers.get('+15125550100')).toEqual(route);
    expect(await numbers.find('+1 (512) 555-0100')).toEqual(route);
    expect(await numbers.find('+15125550101')).toBeNull();
  });

  it('allows one route per number (NUMBER_TAKEN), and refuses numbers that are not E.164', async () => {
    await numbers.create({ number: '+15125550200', flowId: 'a' });
    await expect(numbers.create({ number: '+1 512 555 0200', flowId: 'b' })).rejects.toMatchObject({ code: 'NUMBER_TAKEN', status: 409 });
    await expect(numbers.create({ number: '512-555-0200', flowId: 'b' })).rejects.toMatchObject({ code: 'NUMBER_INVALID' });
    await expect(numbers.create({ number: '+15125550201', flowId: '' })).rejects.toMatchObject({ code: 'STORE_BAD_DOCUMENT' });
    expect((await numbers.get('+15125550200')).flowId).toBe('a');
  });

  it('updates a route, removing greeting or context with null; unknown numbers are NUMBER_NOT_FOUND', async () => {
    await numbers.create({ number: '+15125550300', flowId: 'a', greeting: 'Hi', context: { x: 1 } });
    clock.advance(5000);
    const moved = await numbers.update('+15125550300', { flowId: 'b', context: { y: 2 } });
    expect(moved).toMatchObject({ flowId: 'b', greeting: 'Hi', context: { y: 2 }, updatedAt: '2026-01-05T15:00:05.000Z' });
    const bare = await numbers.update('+15125550300', { greeting: null, context: null });
    expect(bare).not.toHaveProperty('greeting');
    expect(bare).not.toHaveProperty('context');
    await expect(numbers.update('+15125550399', { flowId: 'x' })).rejects.toMatchObject({ code: 'NUMBER_NOT_FOUND', status: 404 });
    await expect(numbers.get('+15125550399')).rejects.toMatchObject({ code: 'NUMBER_NOT_FOUND' });
  });

  it('deletes a route', async () => {
    await numbers.create({ number: '+15125550400', flowId: 'a' });
    await numbers.delete('+1 512 555 0400');
    expect(await numbers.find('+15125550400')).toBeNull();
    await expect(numbers.delete('+15125550400')).rejects.toMatchObject({ code: 'NUMBER_NOT_FOUND' });
  });

  it('lists routes by number, optionally one flow\'s, a page at a time', async () => {
    for (const n of ['+15125550503', '+15125550501', '+15125550502']) await numbers.create({ number: n, flowId: 'listed' });
    const first = await numbers.list({ flowId: 'listed' }, { limit: 2 });
    const second = await numbers.list({ flowId: 'listed' }, { limit: 2, after: first.next });
    expect([...first.items, ...second.items].map((r) => r.number)).toEqual(['+15125550501', '+15125550502', '+15125550503']);
    expect(second.next).toBeUndefined();
    expect((await numbers.list()).items.length).toBeGreaterThanOrEqual(5);
  });
});
