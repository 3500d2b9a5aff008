/**
 * A call can be over before the caller says anything: an outbound reminder
 * whose booking is gone says its message and hangs up. The first turn of such
 * a case has no caller action; it is about those first words, so its
 * expectations are checked rather than reported as a turn that "did not run",
 * and the texts sent before anyone spoke count among them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlowTests } from '../../engine/flow-tests/run-flow-tests.js';

const FLOW = `id: closed-line
name: Closed line
agent:
  instructions: You answer the phone for a shop.
context:
  schema: { type: object, properties: { open: { type: boolean } } }
  initial: { open: false }
tools:
  text_hours:
    use: sms.send
    with: { to: call.from, body: "'We open at nine tomorrow.'" }
initial: route
stages:
  route:
    type: action
    next:
      - { to: greeting, when: open }
      - { to: closed, when: $not(open) }
  greeting:
    guidance: Greet the caller.
    next:
      - { to: closed, intent: The caller has what they need. }
  closed:
    type: end
    onEnter:
      - run: text_hours
    say: We are closed today. Goodbye!
`;

const TESTS = `cases:
  - name: the line is closed
    turns:
      - expect:
          stage: closed
          entered: [route, closed]
          ended: agent-hangup
          agentSaid: We are closed today
          sms: [ { body: We open at nine tomorrow. } ]
    expect: { entered: [route, closed] }
  - name: a wrong expectation on the first words still fails
    turns:
      - expect: { stage: greeting }
`;

describe('a call that is over before the caller speaks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-over-at-start-'));
    await writeFile(path.join(dir, 'closed-line.yaml'), FLOW);
    await writeFile(path.join(dir, 'closed-line.test.yaml'), TESTS);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks the first turn, texts included, against the call as it ended', async () => {
    const report = await runFlowTests([dir], { concurrency: 1 });
    expect(report.problems).toEqual([]);
    const [file] = report.files;
    expect(file!.findings).toEqual([]);
    const [closed, wrong] = file!.cases;
    expect(closed!.failures).toEqual([]);
    expect(closed!.status).toBe('passed');
    expect(closed!.stages).toEqual(['route', 'closed']);
    expect(wrong!.status).toBe('failed');
    expect(wrong!.failures.map((f) => f.code)).toEqual(['FLOW_TEST_EXPECTATION']);
    expect(wrong!.failures[0]!.message).toContain('greeting');
  }, 60_000);
});
