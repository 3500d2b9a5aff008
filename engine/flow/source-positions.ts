/**
 * Where things are in a flow file: JSON pointer → 1-based line and column.
 * YAML and JSON share this one model because both are parsed by the `yaml`
 * package (JSON is a subset of YAML's flow style), so a finding points at the
 * same place whichever format the designer writes.
 *
 * It also maps a character offset inside a string value (where an expression
 * or template error is) to its place in the file: exact for one-line plain and
 * quoted scalars and for block scalars (`|`, `>`), best effort for multi-line
 * plain and quoted scalars (YAML folds their line breaks).
 */
import { isMap, isScalar, isSeq, Scalar, type Document, type LineCounter, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { SourcePosition } from './finding.js';
import { parsePointer } from './json-pointer.js';

/** Positions in one loaded file. Every method returns undefined when the document has no node there or above. */
export interface SourcePositions {
  /** Where the value at `pointer` starts; for a missing property, where its nearest existing ancestor's value starts. */
  positionOf(pointer: string): SourcePosition | undefined;
  /** Where the key of the property at `pointer` is written (array items and the root have no key: their value). */
  keyPositionOf(pointer: string): SourcePosition | undefined;
  /**
   * Where a finding about `pointer` is shown: mappings and lists at their key
   * (a stage at its name), scalars at their value; a missing property at its
   * nearest existing ancestor, by the same rule.
   */
  anchorOf(pointer: string): SourcePosition | undefined;
  /** Where character `offset` (0-based, in the parsed string) of the string at `pointer` is written. */
  positionInString(pointer: string, offset: number): SourcePosition | undefined;
  /** Like positionInString, for a 1-based line and column inside the parsed string (template errors). */
  positionInStringAt(pointer: string, line: number, column: number): SourcePosition | undefined;
}

interface Entry {
  node: YamlNode;
  key?: YamlNode;
}

export function createSourcePositions(doc: Document, lineCounter: LineCounter, text: string): SourcePositions {
  const offsetMaps = new Map<string, number[] | null>();
  // Keys of a mapping, indexed the first time a pointer passes through it:
  // findings concern a few places of a big flow, so the document is never walked whole.
  const keyIndexes = new WeakMap<object, Map<string, Pair>>();
  const keysOf = (map: YAMLMap): Map<string, Pair> => {
    let index = keyIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        const key = pair.key as YamlNode | null;
        // A key written twice: the later pair wins, as it does in the parsed value.
        index.set(isScalar(key) ? String(key.value) : String(key), pair as Pair);
      }
      keyIndexes.set(map, index);
    }
    return index;
  };

  /** The node at a pointer, or its nearest existing ancestor. Aliases are not followed: a finding inside one points at the alias. */
  const nearest = (pointer: string): { entry: Entry; exact: boolean } | undefined => {
    const root = doc.contents as YamlNode | null;
    if (!root) return undefined;
    let entry: Entry = { node: root };
    for (const segment of parsePointer(pointer)) {
      const node = entry.node;
      let next: Entry | undefined;
      if (isMap(node)) {
        const pair = keysOf(node).get(segment);
        const key = (pair?.key as YamlNode | null) ?? undefined;
        const value = (pair?.value as YamlNode | null) ?? key;
        if (pair && value) next = key ? { node: value, key } : { node: value };
      } else if (isSeq(node) && /^\d+$/.test(segment)) {
        const item = node.items[Number(segment)] as YamlNode | undefined;
        if (item) next = { node: item };
      }
      if (!next) return { entry, exact: false };
      entry = next;
    }
    return { entry, exact: true };
  };
  const entryAt = (pointer: string): Entry | undefined => {
    const found = nearest(pointer);
    return found?.exact ? found.entry : undefined;
  };

  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const startOf = (node: YamlNode): number | undefined => node.range?.[0];

  const offsetMap = (pointer: string): number[] | null => {
    const cached = offsetMaps.get(pointer);
    if (cached !== undefined) return cached;
    const node = entryAt(pointer)?.node;
    const map = node && isScalar(node) && typeof node.value === 'string' && node.range ? mapScalar(node as Scalar<string>, text) : null;
    offsetMaps.set(pointer, map);
    return map;
  };

  return {
    positionOf(pointer) {
      const found = nearest(pointer);
      const start = found && startOf(found.entry.node);
      return start === undefined ? undefined : at(start);
    },
    keyPositionOf(pointer) {
      const found = nearest(pointer);
      if (!found) return undefined;
      const start = startOf(found.entry.key ?? found.entry.node);
      return start === undefined ? undefined : at(start);
    },
    anchorOf(pointer) {
      const found = nearest(pointer);
      if (!found) return undefined;
      const { node, key } = found.entry;
      const target = key && (isMap(node) || isSeq(node)) ? key : node;
      const start = startOf(target);
      return start === undefined ? undefined : at(start);
    },
    positionInString(pointer, offset) {
      const map = offsetMap(pointer);
      if (!map) return this.positionOf(pointer);
      const clamped = Math.max(0, Math.min(offset, map.length - 1));
      return at(map[clamped]!);
    },
    positionInStringAt(pointer, line, column) {
      const entry = entryAt(pointer);
      const value = entry && isScalar(entry.node) && typeof entry.node.value === 'string' ? entry.node.value : undefined;
      if (value === undefined) return this.positionOf(pointer);
      return this.positionInString(pointer, offsetOfLineColumn(value, line, column));
    },
  };
}

/** 0-based offset of a 1-based line and column in `text` (clamped to the text). */
export function offsetOfLineColumn(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current++) {
    const newline = text.indexOf('\n', offset);
    if (newline < 0) break;
    offset = newline + 1;
  }
  return Math.min(offset + Math.max(0, column - 1), text.length);
}

/**
 * For each character of the scalar's value (plus one past the end), the file
 * offset it was written at. Returns null when the scalar's source is not where
 * its range says (should not happen; callers fall back to the value's start).
 */
function mapScalar(node: Scalar<string>, text: string): number[] | null {
  const value = node.value;
  const [start, valueEnd] = node.range!;
  const map: number[] = [];
  switch (node.type) {
    case Scalar.BLOCK_LITERAL:
      return mapBlockLiteral(value, text, start, valueEnd);
    case Scalar.BLOCK_FOLDED:
      return align(value, text, contentStartOfBlock(text, start), valueEnd, false);
    case Scalar.QUOTE_SINGLE:
      return align(value, text, start + 1, valueEnd, false);
    case Scalar.QUOTE_DOUBLE:
      return align(value, text, start + 1, valueEnd, true);
    default: {
      if (text.startsWith(value, start)) {
        for (let i = 0; i <= value.length; i++) map.push(start + i);
        return map;
      }
      return align(value, text, start, valueEnd, false);
    }
  }
}

/** First offset after a block scalar's header line (`|`, `>-`, `|2` …). */
function contentStartOfBlock(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  return newline < 0 ? text.length : newline + 1;
}

/** Literal block: value line k is content line k without its indentation, so the mapping is exact. */
function mapBlockLiteral(value: string, text: string, start: number, end: number): number[] {
  const header = text.slice(start, contentStartOfBlock(text, start)).trim();
  const explicit = /[1-9]/.exec(header);
  let lineStart = contentStartOfBlock(text, start);
  // Indentation: the explicit indicator (relative to the parent's), else the first non-empty line's.
  let indent = 0;
  if (explicit) {
    const headerLineStart = text.lastIndexOf('\n', start - 1) + 1;
    const parentIndent = /^ */.exec(text.slice(headerLineStart))![0].length;
    indent = parentIndent + Number(explicit[0]);
  } else {
    for (let probe = lineStart; probe < end; ) {
      const newline = text.indexOf('\n', probe);
      const line = text.slice(probe, newline < 0 ? end : newline);
      if (line.trim() !== '') {
        indent = /^ */.exec(line)![0].length;
        break;
      }
      if (newline < 0) break;
      probe = newline + 1;
    }
  }
  const map: number[] = [];
  let column = 0;
  for (let i = 0; i <= value.length; i++) {
    const lineEnd = text.indexOf('\n', lineStart);
    const lineLength = (lineEnd < 0 ? text.length : lineEnd) - lineStart;
    map.push(lineStart + Math.min(indent + column, Math.max(lineLength, 0)));
    if (value[i] === '\n') {
      lineStart = lineEnd < 0 ? text.length : lineEnd + 1;
      column = 0;
    } else {
      column++;
    }
  }
  return map;
}

/**
 * Greedy alignment of the parsed value against its source: each value
 * character is matched to the next source character that produces it,
 * skipping what YAML folded away (line breaks, indentation) and decoding
 * escapes in double-quoted scalars. Exact for one-line scalars; for folded
 * text, a folded line break maps to the start of the next line's text.
 */
function align(value: string, text: string, from: number, end: number, escapes: boolean): number[] {
  const map: number[] = [];
  let j = from;
  for (let i = 0; i < value.length; i++) {
    const want = value[i]!;
    let found = -1;
    while (j < end) {
      if (escapes && text[j] === '\\') {
        const [produced, length] = decodeEscape(text, j);
        if (produced === want || (produced.length === 2 && produced[0] === want)) {
          found = j;
          // A surrogate pair from `\U`: both halves map to the escape.
          if (produced.length === 2 && i + 1 < value.length && value[i + 1] === produced[1]) {
            map.push(j);
            i++;
          }
          j += length;
          break;
        }
        j += length;
        continue;
      }
      if (text[j] === want) {
        found = j;
        j++;
        // `''` in single quotes is one quote.
        if (!escapes && want === "'" && text[j] === "'") j++;
        break;
      }
      j++;
    }
    map.push(found < 0 ? Math.min(j, end) : found);
  }
  map.push(Math.min(j, end));
  return map;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};

/** What a double-quoted escape at `at` produces, and how many source characters it takes. */
function decodeEscape(text: string, at: number): [string, number] {
  const kind = text[at + 1] ?? '';
  const hexLength = kind === 'x' ? 2 : kind === 'u' ? 4 : kind === 'U' ? 8 : 0;
  if (hexLength) {
    const code = Number.parseInt(text.slice(at + 2, at + 2 + hexLength), 16);
    return [Number.isNaN(code) ? '' : String.fromCodePoint(code), 2 + hexLength];
  }
  if (kind === '\n' || kind === '\r') return ['', 2]; // an escaped line break joins lines
  return [SIMPLE_ESCAPES[kind] ?? kind, 2];
}
