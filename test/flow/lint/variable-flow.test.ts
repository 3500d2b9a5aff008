/**
 * The path-sensitive variable check on small graphs, as plain objects (no
 * positions): what must be defined where, and which path a warning names.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../engine/flow/finding.js';
import { lintFlow } from '../../../engine/flow/lint-flow.js';

type Stages = Record<string, Record<string, unknown>>;

function flow(stages: Stages, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'dataflow',
    name: 'Dataflow',
    agent: { instructions: 'You are a test agent.' },
    initial: Object.keys(stages)[0],
    stages: { ...stages, closing: { type: 'end', say: 'Goodbye.' } },
    ...extra,
  };
}

/** Only the variable findings, as "CODE pointer: path". */
function variableFindings(document: unknown): string[] {
  return lintFlow(document)
    .findings.filter((finding: Finding) => finding.code === 'FLOW_UNDEFINED_VARIABLE' || finding.code === 'FLOW_MAYBE_UNDEFINED_VARIABLE')
    .map((finding) =>
      finding.code === 'FLOW_MAYBE_UNDEFINED_VARIABLE'
        ? `${finding.code} ${finding.pointer}: ${/on the path (.*)\.$/.exec(finding.message)?.[1]}`
        : `${finding.code} ${finding.pointer}: ${/^`([^`]+)`/.exec(finding.message)?.[1]}`,
    );
}

const done = { to: 'closing', intent: 'Done.' };

describe('variables defined on every path', () => {
  it('accepts a variable collected on the only way in', () => {
    expect(
      variableFindings(
        flow({
          a: { guidance: 'Hi.', next: [{ to: 'b', intent: 'Go.', collect: { name: { type: 'string' } } }] },
          b: { guidance: 'Hello {{name}}.', next: [done] },
        }),
      ),
    ).toEqual([]);
  });

  it('accepts a diamond where both branches define it', () => {
    expect(
      variableFindings(
        flow({
          a: {
            guidance: 'Hi.',
            next: [
              { to: 'b', intent: 'Left.', set: { side: '"left"' } },
              { to: 'c', intent: 'Right.', collect: { side: { type: 'string' } } },
            ],
          },
          b: { guidance: 'Left.', next: [{ to: 'd', intent: 'On.' }] },
          c: { guidance: 'Right.', next: [{ to: 'd', intent: 'On.' }] },
          d: { guidance: 'You went {{side}}.', next: [done] },
        }),
      ),
    ).toEqual([]);
  });

  it('warns on a diamond where one branch does not, naming that branch', () => {
    expect(
      variableFindings(
        flow({
          a: {
            guidance: 'Hi.',
            next: [
              { to: 'b', intent: 'Left.', set: { side: '"left"' } },
              { to: 'c', intent: 'Right.' },
            ],
          },
          b: { guidance: 'Left.', next: [{ to: 'd', intent: 'On.' }] },
          c: { guidance: 'Right.', next: [{ to: 'd', intent: 'On.' }] },
          d: { guidance: 'You went {{side}}.', next: [done] },
        }),
      ),
    ).toEqual(['FLOW_MAYBE_UNDEFINED_VARIABLE /stages/d/guidance: a → c → d']);
  });

  it('warns when a loop defines the variable only after the first visit', () => {
    expect(
      variableFindings(
        flow({
          ask: { guidance: 'Last time you said {{answer}}.', next: [{ to: 'again', intent: 'Answered.', collect: { answer: { type: 'string' } } }, done] },
          again: { guidance: 'Again?', next: [{ to: 'ask', intent: 'Yes.' }, done] },
        }),
      ),
    ).toEqual(['FLOW_MAYBE_UNDEFINED_VARIABLE /stages/ask/guidance: ask']);
  });

  it('does not count an optional collect', () => {
    expect(
      variableFindings(
        flow({
          a: {
            guidance: 'Hi.',
            next: [
              { to: 'b', intent: 'Go with a note.', name: 'with_note', collect: { note: { type: 'string' } } },
              { to: 'b', intent: 'Go.', collect: { note: { type: 'string' } }, optional: ['note'] },
            ],
          },
          b: { guidance: 'Note: {{note}}', next: [done] },
        }),
      ),
    ).toEqual(['FLOW_MAYBE_UNDEFINED_VARIABLE /stages/b/guidance: a → b']);
  });
});

describe('variables defined nowhere', () => {
  const reads = (extra: Record<string, unknown>) => variableFindings(flow({ a: { guidance: 'Hi {{patient.name}}.', next: [done] } }, extra));

  it('is an error when nothing defines it and the schema does not declare it', () => {
    expect(reads({})).toEqual(['FLOW_UNDEFINED_VARIABLE /stages/a/guidance: patient.name']);
  });

  it('is fine when the context schema declares it (the call supplies it) or requires it', () => {
    const declared = { context: { schema: { type: 'object', properties: { patient: { type: 'object' } } } } };
    expect(reads(declared)).toEqual([]);
    const required = { context: { schema: { type: 'object', required: ['patient'], properties: { patient: { type: 'object', properties: { name: { type: 'string' } } } } } } };
    expect(reads(required)).toEqual([]);
  });

  it('knows what context.initial holds, down to nested keys', () => {
    expect(reads({ context: { initial: { patient: { name: 'Maria' } } } })).toEqual([]);
    expect(reads({ context: { initial: { patient: { phone: '+1' } } } })).toEqual(['FLOW_UNDEFINED_VARIABLE /stages/a/guidance: patient.name']);
    expect(reads({ context: { initial: { patient: null } } })).toEqual([]);
  });

  it('checks call facts by name', () => {
    const result = variableFindings(flow({ a: { guidance: 'From {{call.from}} to {{call.to}} with {{call.parameters.campaign}} and {{call.caller}}.', next: [done] } }));
    expect(result).toEqual(['FLOW_UNDEFINED_VARIABLE /stages/a/guidance: call.caller']);
  });

  it('still reports a typo in a stage no path reaches, without a path warning', () => {
    const result = variableFindings(
      flow({
        a: { guidance: 'Hi.', next: [done] },
        orphan: { guidance: '{{missing}} and {{later}}', next: [{ to: 'closing', intent: 'Done.', set: { later: '1' } }] },
      }),
    );
    expect(result).toEqual(['FLOW_UNDEFINED_VARIABLE /stages/orphan/guidance: missing']);
  });
});

describe('tools, onStart, onEnter and groups', () => {
  const tools = { find: { use: 'calendar.findSlots', assign: { slots: '$result.slots' } } };

  it("counts a tool's assign on its .done edge but not on its .error edge", () => {
    const result = variableFindings(
      flow(
        {
          pick: { guidance: 'Pick a day.', tools: ['find'], next: [{ to: 'offer', on: 'find.done' }, { to: 'sorry', on: 'find.error' }] },
          offer: { guidance: 'Slots: {{slots}}', next: [done] },
          sorry: { guidance: 'Sorry, {{slots}}', next: [done] },
        },
        { tools },
      ),
    );
    expect(result).toEqual(['FLOW_UNDEFINED_VARIABLE /stages/sorry/guidance: slots']);
  });

  it("does not count an onEnter tool's assign on that tool's own .error edge", () => {
    const result = variableFindings(
      flow(
        {
          look: { type: 'action', onEnter: [{ run: 'find' }], next: [{ to: 'offer', on: 'find.done' }, { to: 'sorry', on: 'find.error' }] },
          offer: { guidance: 'Slots: {{slots}}', next: [{ to: 'sorry', intent: 'None suit.' }, done] },
          sorry: { guidance: 'Sorry, {{slots}}', next: [done] },
        },
        { tools },
      ),
    );
    expect(result).toEqual(['FLOW_MAYBE_UNDEFINED_VARIABLE /stages/sorry/guidance: look → sorry']);
  });

  it('counts onStart assigns and sets as defined from the start, in order', () => {
    const result = variableFindings(
      flow(
        { a: { guidance: '{{slots}} {{greeting}}', next: [done] } },
        { tools, onStart: [{ set: { early: 'greeting' } }, { run: 'find' }, { set: { greeting: '"hi"' } }] },
      ),
    );
    // `greeting` is read by the first onStart action before the third sets it.
    expect(result).toEqual(['FLOW_UNDEFINED_VARIABLE /onStart/0/set/early: greeting']);
  });

  it("counts a group's onEnter for the stages inside it", () => {
    const result = variableFindings(
      flow({
        a: { guidance: 'Hi.', next: [{ to: 'booking', intent: 'Book.' }] },
        booking: {
          type: 'group',
          onEnter: [{ set: { mode: '"booking"' } }],
          next: [done],
          stages: { ask: { guidance: 'Mode {{mode}}.', next: [{ to: 'confirm', intent: 'Asked.' }] }, confirm: { guidance: 'Still {{mode}}.' } },
        },
      }),
    );
    expect(result).toEqual([]);
  });

  it('lets a transition set read what its own intent collects, and a global transition define its target', () => {
    const result = variableFindings(
      flow(
        {
          a: { guidance: 'Hi.', next: [{ to: 'b', intent: 'Go.', collect: { first: { type: 'string' } }, set: { full: 'first & " Smith"' } }] },
          b: { guidance: '{{full}}', next: [done] },
          help: { guidance: 'Topic {{topic}}', next: [{ to: '$previous', intent: 'Helped.' }] },
        },
        { global: [{ to: 'help', intent: 'Help.', collect: { topic: { type: 'string' } } }] },
      ),
    );
    expect(result).toEqual([]);
  });

  it('does not warn for guarded reads, but still errors on names nothing defines', () => {
    const result = variableFindings(
      flow({
        a: { guidance: 'Hi.', next: [{ to: 'b', intent: 'Go.', collect: { name: { type: 'string' } } }, { to: 'b', intent: 'Skip.', name: 'skip' }] },
        b: { guidance: '{{default name "there"}} {{#if name}}{{name}}{{/if}} {{default nmae "x"}}', next: [{ to: 'closing', when: '$exists(name) and name != ""' }, done] },
      }),
    );
    expect(result).toEqual(['FLOW_UNDEFINED_VARIABLE /stages/b/guidance: nmae']);
  });

  it('judges onEnd and outcome reads by whether anything defines them at all', () => {
    const result = variableFindings(
      flow(
        { a: { guidance: 'Hi.', next: [{ to: 'closing', intent: 'Book.', set: { bookingId: '"x"' } }, { to: 'closing', intent: 'No.', name: 'decline' }] } },
        { outcome: { schema: { type: 'object' }, map: { booked: '$exists(bookingId)', who: 'nobody' } } },
      ),
    );
    expect(result).toEqual(['FLOW_UNDEFINED_VARIABLE /outcome/map/who: nobody']);
  });
});
