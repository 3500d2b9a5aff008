import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactView } from '../../../connectors/crm/index.js';
import { importContacts } from '../../../connectors/crm/import-contacts.js';
import { CRM_SEEDS, loadCrmSeed } from '../../../connectors/crm/seed.js';
import { findOperation } from '../../../engine/connectors/catalog.js';
import { redactForModel } from '../../../engine/connectors/redact-for-model.js';
import { type ConnectorTestKit, loadConnectorForTest } from '../../../engine/testing/connector-test-kit.js';

let kit: ConnectorTestKit;
const call = { id: 'call-42', from: '+15125550142', to: '+15125550199', direction: 'outbound' as const, flowId: 'dental-outreach', flowVersion: 3 };

beforeAll(async () => {
  kit = await loadConnectorForTest('crm', { now: '2026-01-05T15:00:00Z' });
  for (const seed of CRM_SEEDS) expect((await loadCrmSeed(kit.storage, seed, new Date('2026-01-01T12:00:00Z'))).rejected).toEqual([]);
});
afterAll(async () => {
  await kit?.close();
});

const lookup = (phone: unknown) => kit.ok<ContactView>('lookupContact', { phone });

describe('crm: looking callers up', () => {
  it('finds the dental household from spoken digits, with children\'s ages computed on the clock', async () => {
    const maria = await lookup('five one two, five five five, oh one four two');
    expect(maria).toMatchObject({
      found: true,
      name: 'Maria Garcia',
      firstName: 'Maria',
      language: 'English',
      phone: '+15125550142',
      dependents: [
        { name: 'Tony', age: 8, birthDate: '2017-06-14', relationship: 'child' },
        { name: 'Paula', age: 6, birthDate: '2019-09-03', relationship: 'child' },
      ],
      notes: [{ text: 'Assigned to Jefferson Dental through Medicaid; no visit yet.', at: '2026-01-01T12:00:00.000Z' }],
    });
    expect(await lookup('+15125550142')).toMatchObject({ contactId: maria.contactId });
    expect(await lookup('(512) 555-0142')).toMatchObject({ contactId: maria.contactId });
    expect(await lookup('512.555.0142')).toMatchObject({ contactId: maria.contactId });
  });

  it('keeps PII away from the model unless the binding exposes it', async () => {
    const maria = await lookup('+15125550142');
    const operation = findOperation(kit.host.catalog(), 'crm.lookupContact');
    expect(operation?.pii).toEqual(['phone', 'email', 'address', 'attributes', 'notes']);
    const forModel = redactForModel(maria, operation) as Record<string, unknown>;
    expect(Object.keys(forModel).sort()).toEqual(['contactId', 'dependents', 'firstName', 'found', 'language', 'name', 'tags']);
    expect(JSON.stringify(forModel)).not.toContain('MCD-001');
    expect(JSON.stringify(forModel)).not.toContain('123 Main St');
    expect(redactForModel(maria, operation, ['firstName', 'address'])).toEqual({ firstName: 'Maria', address: '123 Main St, Austin, TX 78701' });
  });

  it('answers found: false for new callers and refuses what is not a phone number', async () => {
    expect(await lookup('+15125550100')).toEqual({ found: false });
    await kit.fails('lookupContact', { phone: 'client:web-visitor-7' }, 'PHONE_NUMBER_INVALID');
    await kit.fails('lookupContact', { phone: '555-0142' }, 'PHONE_NUMBER_INVALID');
    await kit.fails('lookupContact', { phone: 5125550142 }, 'CONNECTOR_INPUT_INVALID');
    await kit.fails('lookupContact', {}, 'CONNECTOR_INPUT_INVALID');
  });

  it('has vehicles for the auto seed and equipment for the HVAC seed', async () => {
    const dana = await lookup('303-555-0101');
    expect((dana.attributes as { vehicles: Array<{ vin: string }> }).vehicles[0]!.vin).toBe('1HGCM82633A004352');
    const john = await lookup('(416) 555-0123');
    expect(john).toMatchObject({ name: 'John Smith', attributes: { equipment: ['Carrier gas furnace (2015)', 'Lennox central AC (2018)'] } });
  });
});

describe('crm: changing records', () => {
  it('creates and updates contacts, merging attributes and replacing dependents', async () => {
    const created = await kit.ok<ContactView>('upsertContact', { phone: '512 555 0150', name: 'Lena Ortiz', attributes: { source: 'web' } });
    expect(created).toMatchObject({ found: true, phone: '+15125550150', name: 'Lena Ortiz', dependents: [], attributes: { source: 'web' } });
    const updated = await kit.ok<ContactView>('upsertContact', { phone: '+15125550150', email: 'lena@example.com', attributes: { preferredTimes: 'evenings' }, dependents: [{ name: 'Nico', age: 4 }] });
    expect(updated).toMatchObject({ contactId: created.contactId, name: 'Lena Ortiz', email: 'lena@example.com', attributes: { source: 'web', preferredTimes: 'evenings' }, dependents: [{ name: 'Nico', age: 4 }] });
    await kit.fails('upsertContact', { phone: '+15125550150', email: 'not-an-email' }, 'CONNECTOR_INPUT_INVALID');
    const error = await kit.fails('upsertContact', { phone: '+15125550150', dependents: [{ name: 'Ava', birthDate: '2020-02-30' }] }, 'CONNECTOR_INPUT_INVALID');
    expect(error.message).toBe('birth date 2020-02-30 is not a date');
    await kit.fails('upsertContact', { phone: '+15125550150', dependents: [{ age: 3 }] }, 'CONNECTOR_INPUT_INVALID');
  });

  it('adds a dependent, updating one with the same name', async () => {
    await kit.ok('addDependent', { phone: '+15125550144', name: 'Lucia', birthDate: '2021-01-20', relationship: 'child' });
    const rosa = await kit.ok<ContactView>('addDependent', { phone: '+15125550144', name: 'mateo', notes: 'anxious about the dentist' });
    expect(rosa.dependents).toEqual([
      { name: 'mateo', age: 9, birthDate: '2016-02-11', relationship: 'child', notes: 'anxious about the dentist' },
      { name: 'Lucia', age: 4, birthDate: '2021-01-20', relationship: 'child' },
    ]);
    await kit.fails('addDependent', { phone: '+15125550999', name: 'X' }, 'CRM_CONTACT_NOT_FOUND');
  });

  it('keeps every dependent when updates race', async () => {
    await kit.ok('upsertContact', { phone: '+15125550160', name: 'Big Family' });
    const names = Array.from({ length: 12 }, (_, i) => `Child${i}`);
    const results = await Promise.all(names.map((name) => kit.invoke('addDependent', { phone: '+15125550160', name })));
    expect(results.every((r) => r.ok)).toBe(true);
    const family = await lookup('+15125550160');
    expect(family.dependents!.map((d) => d.name).sort()).toEqual([...names].sort());
  });

  it('adds notes and logs interactions with the call they came from', async () => {
    const note = await kit.ok<{ noteId: string; contactId: string; at: string }>('addNote', { phone: '+15125550143', text: 'Asked about Saturday slots.' }, { call });
    expect(note.noteId).toMatch(/^NT-/);
    expect((await lookup('+15125550143')).notes![0]!.text).toBe('Asked about Saturday slots.');
    await kit.fails('addNote', { phone: '+15125550998', text: 'x' }, 'CRM_CONTACT_NOT_FOUND');
    await kit.fails('addNote', { phone: '+15125550143', text: '' }, 'CONNECTOR_INPUT_INVALID');

    const logged = await kit.ok<{ created: boolean; contactId: string }>('logInteraction', { phone: '+15125550142', outcome: 'booked', summary: 'Booked Tony and Paula for Tuesday 2 PM.' }, { call });
    expect(logged.created).toBe(false);
    expect((await lookup('+15125550142')).lastInteraction).toEqual({ at: '2026-01-05T15:00:00.000Z', channel: 'call', outcome: 'booked', summary: 'Booked Tony and Paula for Tuesday 2 PM.' });
    const stored = await kit.storage.collection('interactions').findOne({ contactId: logged.contactId });
    expect(stored).toMatchObject({ callId: 'call-42', flowId: 'dental-outreach', flowVersion: 3, direction: 'outbound' });
    const history = await kit.ok<{ count: number; interactions: Array<{ outcome: string }> }>('getInteractions', { phone: '+15125550142' });
    expect(history).toMatchObject({ count: 1, interactions: [{ outcome: 'booked', direction: 'outbound' }] });

    await kit.fails('logInteraction', { phone: '+15125550997', outcome: 'no_answer' }, 'CRM_CONTACT_NOT_FOUND');
    expect(await kit.ok('logInteraction', { phone: '+15125550997', outcome: 'no_answer', createIfMissing: true })).toMatchObject({ created: true });
    await kit.fails('getInteractions', { phone: '+15125550996' }, 'CRM_CONTACT_NOT_FOUND');
  });
});

describe('crm: importing contacts', () => {
  it('imports CSV households, keeps good rows and reports bad ones by spreadsheet row', async () => {
    const csv = [
      'Phone,Name,Email,Language,Dependent Name,Dependent Age,Dependent Birth Date,Insurance,Note',
      '(737) 555-0101,Ana Silva,ana@example.com,Portuguese,Bia,7,,Medicaid,Prefers Portuguese',
      '737-555-0101,,,,Caio,,2021-05-02,,',
      '555-0102,No Area Code,,,,,,,',
      '737.555.0103,Bad Email,bad@,English,,,,,',
      '7375550104,Bad Age,,,Dee,seven,,,',
      '7375550105,Bad Birth,,,Eve,,2020-02-30,,',
      ',No Phone,,,,,,,',
      '"737 555 0106","Lopez, Carmen",,Spanish,,,,"CHIP, pending",',
      '7375550107,Too,Many,Fields,,,,,,,extra',
    ].join('\n');
    const report = await importContacts(kit.storage, { format: 'csv', text: csv, now: new Date('2026-01-05T10:00:00Z') });
    expect(report).toEqual({
      rows: 9,
      imported: 2,
      updated: 0,
      rejected: [
        { row: 4, field: 'phone', message: '"555-0102": the number needs its 3-digit area code' },
        { row: 5, field: 'email', message: '"bad@" is not an email address' },
        { row: 6, field: 'dependent age', message: '"seven" is not an age in years' },
        { row: 7, field: 'dependent birth date', message: 'birth date 2020-02-30 is not a date' },
        { row: 8, field: 'phone', message: 'has no phone number' },
        { row: 10, message: 'has 11 fields but the header has 9 columns (an unquoted comma?)' },
      ],
    });
    const ana = await lookup('+17375550101');
    expect(ana).toMatchObject({ name: 'Ana Silva', language: 'Portuguese', attributes: { Insurance: 'Medicaid' }, dependents: [{ name: 'Bia', age: 7 }, { name: 'Caio', age: 4, birthDate: '2021-05-02' }], notes: [{ text: 'Prefers Portuguese' }] });
    expect(await lookup('+17375550106')).toMatchObject({ name: 'Lopez, Carmen', attributes: { Insurance: 'CHIP, pending' } });

    const again = await importContacts(kit.storage, { format: 'csv', text: 'phone;name\n+1 737 555 0101;Ana S. Silva\n' });
    expect(again).toEqual({ rows: 1, imported: 0, updated: 1, rejected: [] });
    expect((await lookup('+17375550101')).name).toBe('Ana S. Silva');
  });

  it('keeps the rows before an unterminated quote and reports the rest', async () => {
    const report = await importContacts(kit.storage, { format: 'csv', text: 'phone,name\n7375550120,Ok\n7375550121,"Broken\n7375550122,Lost\n' });
    expect(report).toMatchObject({ imported: 1, rejected: [{ row: 3, message: 'a quoted field opened on line 3 is never closed; this row and everything after it was not imported' }] });
  });

  it('refuses files it cannot read at all', async () => {
    await expect(importContacts(kit.storage, { format: 'csv', text: 'name,email\nAna,a@example.com\n' })).rejects.toMatchObject({ code: 'CRM_IMPORT_INVALID', message: expect.stringContaining('no phone column') });
    await expect(importContacts(kit.storage, { format: 'csv', text: '' })).rejects.toMatchObject({ code: 'CRM_IMPORT_INVALID' });
    await expect(importContacts(kit.storage, { format: 'json', text: '{"phone": ' })).rejects.toMatchObject({ code: 'CRM_IMPORT_INVALID', message: expect.stringContaining('The JSON cannot be read') });
    await expect(importContacts(kit.storage, { format: 'json', text: '{"phone": "+15125550100"}' })).rejects.toMatchObject({ code: 'CRM_IMPORT_INVALID', message: expect.stringContaining('array of contacts') });
  });

  it('imports JSON, reporting bad items by position', async () => {
    const items = [
      { phone: '+44 20 7946 0958', name: 'Oliver Twist', dependents: [{ name: 'Pip', age: 9 }] },
      { name: 'No phone' },
      { phone: '+15125550170', name: 'Typo', emial: 'x@example.com' },
      { phone: 'twelve', name: 'Words' },
      { phone: '+15125550171', dependents: [{ name: 'Kid', age: -1 }] },
      { phone: '+15125550172', name: 'Fine', notes: ['first note'] },
    ];
    const report = await importContacts(kit.storage, { format: 'json', text: JSON.stringify(items) });
    expect(report.imported).toBe(2);
    expect(report.rejected).toEqual([
      { row: 2, field: 'phone', message: 'missing required field `phone`' },
      { row: 3, message: '(root): unknown field `emial`' },
      { row: 4, field: 'phone', message: '"twelve": a North American number has 10 digits, not 2' },
      { row: 5, field: 'dependents.0.age', message: 'dependents[0].age: must be >= 0' },
    ]);
    expect(await lookup('+442079460958')).toMatchObject({ name: 'Oliver Twist', dependents: [{ name: 'Pip', age: 9 }] });
  });
});
