/**
 * Says where a pointer is in words a flow designer uses: `/stages/greeting/next/0/to`
 * is "`to` of transition 1 of stage `greeting`". Messages use it so nobody has
 * to read JSON pointers (the pointer is still printed for tools).
 */
import { parsePointer } from '../json-pointer.js';

/** The thing a pointer is inside, and the field path left over inside it. */
export interface PointerSubject {
  /** e.g. "transition 1 of stage `greeting`", "tool `find`", "the flow". */
  subject: string;
  /** Field path inside the subject, e.g. ['collect', 'age']. */
  rest: string[];
}

const ACTION_LISTS = new Set(['onStart', 'onEnd', 'onEnter']);

export function pointerSubject(pointer: string): PointerSubject {
  const segments = parsePointer(pointer);
  let subject = 'the flow';
  let i = 0;
  const take = () => segments[i++]!;
  const isIndex = (segment: string | undefined) => segment !== undefined && /^\d+$/.test(segment);

  // The stage chain: /stages/a/stages/b … ends at the innermost stage.
  let stage: string | undefined;
  while (segments[i] === 'stages' && segments[i + 1] !== undefined) {
    i++;
    stage = take();
    subject = `stage \`${stage}\``;
  }
  const head = segments[i];
  if (stage !== undefined) {
    if (head === 'next' && isIndex(segments[i + 1])) {
      i++;
      subject = `transition ${Number(take()) + 1} of stage \`${stage}\``;
    } else if (head === 'onEnter' && isIndex(segments[i + 1])) {
      i++;
      subject = `onEnter action ${Number(take()) + 1} of stage \`${stage}\``;
    } else if (head === 'limits' || head === 'transfer') {
      i++;
      subject = `the ${head} of stage \`${stage}\``;
    }
  } else if (head === 'tools' && segments[i + 1] !== undefined) {
    i++;
    subject = `tool \`${take()}\``;
  } else if (head === 'global' && isIndex(segments[i + 1])) {
    i++;
    subject = `global transition ${Number(take()) + 1}`;
  } else if (head !== undefined && ACTION_LISTS.has(head) && isIndex(segments[i + 1])) {
    i++;
    subject = `${head} action ${Number(take()) + 1}`;
  } else if (head === 'agent') {
    i++;
    subject = 'the agent';
  } else if (head === 'limits') {
    i++;
    subject = "the flow's limits";
  } else if (head === 'outcome') {
    i++;
    subject = 'the outcome';
  } else if (head === 'context') {
    i++;
    if (segments[i] === 'schema' || segments[i] === 'initial') subject = segments[i++] === 'schema' ? 'the context schema' : 'the initial context';
    else subject = 'the context';
  }
  return { subject, rest: segments.slice(i) };
}

/** A field path in words: `collect.age`; a trailing list index becomes "item 2 of `keywords`". */
export function describeFieldPath(rest: readonly string[]): string {
  const isIndex = (segment: string) => /^\d+$/.test(segment);
  const last = rest.at(-1);
  if (last !== undefined && isIndex(last) && rest.length > 1) return `item ${Number(last) + 1} of ${describeFieldPath(rest.slice(0, -1))}`;
  return `\`${rest.map((segment) => (isIndex(segment) ? `[${segment}]` : segment)).join('.').replaceAll('.[', '[')}\``;
}

/** "`collect.age` of transition 1 of stage `greeting`", or just the subject when the pointer is the subject itself. */
export function describePointer(pointer: string): string {
  const { subject, rest } = pointerSubject(pointer);
  if (rest.length === 0) return subject;
  return `${describeFieldPath(rest)} of ${subject}`;
}
