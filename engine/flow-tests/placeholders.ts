/**
 * `TODO` placeholders: `parley test --generate` writes skeleton cases whose
 * caller lines and model actions it cannot know, marked `TODO: …` with what to
 * fill in. A case with one left fails before its call, naming each, and runs
 * once they are all replaced.
 */
import { joinPointer } from '../flow/json-pointer.js';
import { describeTestPointer } from './describe-test-pointer.js';

/** Text that marks a placeholder: starts with `TODO`. */
export const PLACEHOLDER = /^TODO\b/;

/** The placeholder text `--generate` writes, with what to fill in. */
export function placeholder(what: string): string {
  return `TODO: ${what}`;
}

/** One placeholder found in a case. */
export interface FoundPlaceholder {
  pointer: string;
  text: string;
  /** Where it is, in words: "`agent.with.parentName` of turn 2 of case 3". */
  where: string;
}

/** Every placeholder in a value (keys included: a `TODO` key names a function or field to fill in), under `base`. */
export function findPlaceholders(value: unknown, base: string, document?: unknown): FoundPlaceholder[] {
  const found: FoundPlaceholder[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (typeof node === 'string') {
      if (PLACEHOLDER.test(node)) found.push({ pointer, text: node, where: describeTestPointer(pointer, document) });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, joinPointer(pointer, index)));
      return;
    }
    if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) walk(item, joinPointer(pointer, key));
    }
  };
  walk(value, base);
  return found;
}
