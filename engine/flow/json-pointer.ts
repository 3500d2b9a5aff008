/**
 * JSON pointers (RFC 6901): how every finding says where it is, independent of
 * the file format. `pointerSegment` (escaping) lives in flow-model.ts, which
 * builds the pointers the linter reports.
 */
import { pointerSegment } from './flow-model.js';

/** The unescaped segments of a pointer: `/stages/a~1b/next/0` → `['stages', 'a/b', 'next', '0']`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** `base` extended by segments, each escaped. */
export function joinPointer(base: string, ...segments: Array<string | number>): string {
  // A loop rather than map/join: the linter builds a pointer for every site of a large flow.
  let pointer = base;
  for (let i = 0; i < segments.length; i++) pointer += `/${pointerSegment(segments[i]!)}`;
  return pointer;
}
