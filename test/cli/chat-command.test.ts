/**
 * `parley chat` in step mode, driven by a piped script: the person plays the
 * caller and the model; the output shows stages, tools and context.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseChatArgs, parseModelLine, runChat } from '../../engine/cli/chat-command.js';

async function chat(args: string[], script: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runChat(args, { out: (text) => out.push(text), err: (text) => err.push(text) }, Readable.from(script.map((line) => `${line}\n`)));
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
});
