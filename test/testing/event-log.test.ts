import { describe, expect, it } from 'vitest';
import { EventLog } from '../../engine/testing/event-log.js';

type Entry = { seq: number; name: string };

function makeLog() {
  const log = new EventLog<Entry>((e) => e.name);
  const push = (name: string) => log.push({ seq: log.nextSeq(), name });
  return { log, push };
}

describe('event log', () => {
  it('finds past entries and waits for future ones, by count and position', async () => {
    const { log, push } = makeLog();
    push('a');
    push('b');
    expect(await log.waitFor((e) => e.name === 'b')).toEqual({ seq: 2, name: 'b' });
    const secondA = log.waitFor((e) => e.name === 'a', { nth: 2 });
    const aAfterB = log.waitFor((e) => e.name === 'a', { after: 2 });
    push('a');
    expect(await secondA).toEqual({ seq: 3, name: 'a' });
    expect(await aAfterB).toEqual({ seq: 3, name: 'a' });
  });

  it('fails a wait that times out with what it waited for and what it saw', async () => {
    const { log, push } = makeLog();
    push('session.created');
    await expect(log.waitFor((e) => e.name === 'never', { timeoutMs: 20, description: 'the impossible' })).rejects.toThrow(
      /^Waited for the impossible: timed out after 20 ms\. Last events:\n {2}#1 session\.created$/,
    );
  });

  it('fails pending and later waits once closed, and a wait whose predicate throws', async () => {
    const { log, push } = makeLog();
    const pending = log.waitFor(() => false, { description: 'x' });
    log.close('the server was closed');
    await expect(pending).rejects.toThrow('Waited for x: the server was closed');
    await expect(log.waitFor(() => false)).rejects.toThrow('the server was closed');
    const { log: other, push: pushOther } = makeLog();
    const throwing = other.waitFor(() => {
      throw new Error('bug in predicate');
    });
    pushOther('a');
    await expect(throwing).rejects.toThrow('bug in predicate');
    void push;
  });
});
