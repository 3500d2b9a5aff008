/**
 * Says where a pointer is in a flow test file, in the words of the file:
 * `/cases/0/turns/1/expect/stage` is "`expect.stage` of turn 2 of case
 * `books a visit`". Messages use it so nobody has to read JSON pointers.
 */
import { describeFieldPath } from '../flow/lint/describe-pointer.js';
import { parsePointer } from '../flow/json-pointer.js';

const isIndex = (segment: string | undefined): segment is string => segment !== undefined && /^\d+$/.test(segment);

/** The case a pointer is in, in words: "case `books a visit`" (or "case 3" before it has a name). */
export function describeCase(document: unknown, index: number): string {
  const name = (document as { cases?: Array<{ name?: unknown }> } | undefined)?.cases?.[index]?.name;
  return typeof name === 'string' && name !== '' ? `case \`${name}\`` : `case ${index + 1}`;
}

/** A pointer of a flow test file in words; `document` names the cases. */
export function describeTestPointer(pointer: string, document?: unknown): string {
  const segments = parsePointer(pointer);
  let subject = 'the test file';
  let i = 0;
  if (segments[0] === 'cases' && isIndex(segments[1])) {
    subject = describeCase(document, Number(segments[1]));
    i = 2;
    if (segments[2] === 'turns' && isIndex(segments[3])) {
      subject = `turn ${Number(segments[3]) + 1} of ${subject}`;
      i = 4;
    } else if (segments[2] === 'setup' && isIndex(segments[3])) {
      subject = `setup step ${Number(segments[3]) + 1} of ${subject}`;
      i = 4;
    }
  } else if (segments[0] === 'defaults') {
    subject = 'the defaults';
    i = 1;
  }
  const rest = segments.slice(i);
  return rest.length === 0 ? subject : `${describeFieldPath(rest)} of ${subject}`;
}
