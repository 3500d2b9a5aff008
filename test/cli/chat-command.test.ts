/**
 * `parley chat` driven by a piped script. Step mode: the person plays the
 * caller and the model; the output shows stages, tools and context. With a
 * key: the "real model" is the fake realtime server (OPENAI_REALTIME_URL
 * points at it; nothing touches the network), answering the typed lines.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseChatArgs, parseModelLine, runChat, type ChatCommandOptions } from '../../engine/cli/chat-command.js';
import type { ResponderContext } from '../../engine/testing/conversation-script.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../../engine/testing/fake-realtime-server.js';
import { conformanceProblems } from '../helpers/expect-conformance.js';

async function chat(args: string[], script: string[], options: ChatCommandOptions = { env: {} }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runChat(args, { out: (text) => out.push(text), err: (text) => err.push(text) }, Readable.from(script.map((line) => `${line}\n`)), options);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

describe('parley chat (step mode)', () => {
  it('runs a piped conversation through the engine and shows stage, tools and context', async () => {
    const result = await chat(
      ['flows/home-services.yaml', '--seed', 'calendar=hvac', '--seed', 'crm=hvac', '--now', '2026-01-06T15:00:00Z'],
      [
        'Hi, my furnace needs a repair.',
        '/call wants_service {"issue": "furnace repair"}',
        '/say Sure, let me check our services.',
        '',
        '/context',
        'The repair, please.',
        '/call service_chosen {"serviceId": "hvac-repair", "issue": "furnace makes a noise"}',
        '',
        '/dtmf 0',
      ],
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('== stage welcome ==');
    expect(out).toContain('tools: wants_service, existing_visit, nothing_needed');
    expect(out).toContain('CALLER Hi, my furnace needs a repair.');
    expect(out).toContain('STAGE  choose_service  (from welcome, intent wants_service)');
    expect(out).toContain('AGENT  Sure, let me check our services.');
    expect(out).toContain('== stage pick_time ==');
    expect(out).toContain('tools: find_times, change_service');
    expect(out).toContain('serviceId = "hvac-repair"');
    expect(out).toContain('STAGE  front_desk  (from pick_time, dtmf)');
    expect(out).toContain('call over: ended, last stage front_desk');
  }, 60_000);

  it('reads its options and the model lines', () => {
    expect(parseChatArgs(['f.yaml', '--context', 'customer.name=Maria', '--context', 'n=2', '--to', '+15125550142', '--outbound'])).toMatchObject({
      flow: 'f.yaml',
      context: { customer: { name: 'Maria' }, n: 2 },
      to: '+15125550142',
      outbound: true,
    });
    expect(parseChatArgs([])).toMatch(/name the flow file/);
    expect(parseChatArgs(['f.yaml', '--to', '555'])).toMatch(/E\.164/);
    expect(parseModelLine('/call go {"a": 1}')).toMatchObject({ calls: [{ name: 'go', with: { a: 1 } }] });
    expect(parseModelLine('/call go [1]')).toMatch(/JSON object/);
    expect(parseModelLine('/say Hello')).toMatchObject({ says: 'Hello', calls: [] });
  });

  it('exits 2 on a usage error and for a flow that cannot be read', async () => {
    expect((await chat(['--nope'], [])).code).toBe(2);
    expect((await chat(['missing-flow.yaml'], [])).code).toBe(2);
  });

  it('--step keeps step mode when a key is set', () => {
    expect(parseChatArgs(['f.yaml', '--step'])).toMatchObject({ step: true });
    expect(parseChatArgs(['f.yaml'])).toMatchObject({ step: false });
  });
});

const HVAC = ['flows/home-services.yaml', '--seed', 'calendar=hvac', '--seed', 'crm=hvac', '--now', '2026-01-06T15:00:00Z'];
const GREETING = 'Thanks for calling, this is Riley. How can I help?';
const PRICE = 'A furnace repair visit starts at one hundred and twenty nine dollars.';

/** The newest user message's text in what the fake model holds. */
function lastUserText(ctx: ResponderContext): string | undefined {
  const item = ctx.conversation.at(-1);
  if (item?.type !== 'message' || item.role !== 'user') return undefined;
  return (item.content as Array<{ text?: string }> | undefined)?.[0]?.text;
}

/** A small model: greets, calls `wants_service` when a typed line asks for a repair, says lines it is told to say verbatim. */
function hvacModel(ctx: ResponderContext) {
  if (ctx.request?.tool_choice === 'none') return { say: ctx.session.instructions.split('\n').at(-1)! };
  if (ctx.responseIndex === 0) return { say: GREETING };
  const text = lastUserText(ctx);
  if (text?.includes('repair') && ctx.session.toolNames.includes('wants_service')) return { calls: [{ name: 'wants_service', arguments: { issue: 'furnace repair' } }] };
  if (ctx.session.toolNames.includes('service_chosen')) return { say: PRICE };
  return { say: 'Sure.' };
}

let realtime: FakeRealtimeServer | undefined;
afterEach(async () => {
  await realtime?.close();
  realtime = undefined;
});

describe('parley chat with a key (the real-model path, against the fake realtime server)', () => {
  it('sends each typed line as a caller text turn, prints the agent\'s lines and the stages, refuses /call and /say', async () => {
    realtime = await createFakeRealtimeServer({ responder: hvacModel, msPerChar: 5 });
    const result = await chat(HVAC, ['Hi, I need a furnace repair.', '/say Hello', '/call wants_service {}', '/tools', '/dtmf 0'], {
      env: { OPENAI_API_KEY: 'dummy', OPENAI_REALTIME_URL: realtime.url },
      speed: 10,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('with the real model (gpt-realtime)');
    expect(out).toContain('== stage welcome ==');
    expect(out).toContain('tools: wants_service, existing_visit, nothing_needed');
    expect(out).toContain(`AGENT  ${GREETING}`);
    expect(out).toContain('CALLER Hi, I need a furnace repair.');
    expect(out).toContain('STAGE  choose_service  (from welcome, intent wants_service)');
    expect(out).toContain('== stage choose_service ==');
    expect(out).toMatch(/instructions: ….*What they told you so far: furnace repair\./);
    expect(out).toContain(`AGENT  ${PRICE}`);
    expect(out).toContain('/say is for step mode');
    expect(out).toContain('/call is for step mode');
    expect(out).toMatch(/service_chosen: /);
    expect(out).toContain('STAGE  front_desk  (from choose_service, dtmf)');
    expect(out).toContain('call over: ended, last stage front_desk');
    // Stages print before the lines said in them; the caller's line before the stage it moved to.
    expect(out.indexOf('CALLER Hi, I need a furnace repair.')).toBeLessThan(out.indexOf('== stage choose_service =='));

    // What the "model" got: the typed line as a user message, answered by a response Parley asked for.
    const created = realtime.clientEvents().map((e) => e.event as unknown as { type: string; item?: Record<string, unknown> });
    expect(created.find((e) => e.type === 'conversation.item.create' && e.item?.type === 'message')?.item).toMatchObject({
      role: 'user',
      content: [{ type: 'input_text', text: 'Hi, I need a furnace repair.' }],
    });
    expect(realtime.rejectedConnections).toEqual([]);
    expect(realtime.issues).toEqual([]);
    expect(conformanceProblems(realtime) ?? []).toEqual([]);
  }, 60_000);
});
