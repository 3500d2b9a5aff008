/**
 * Reads a flow document from YAML or JSON text, keeping where every value was
 * written so findings can say `file:line:column`. Never throws on bad input:
 * syntax errors and duplicate keys come back as findings.
 *
 * Browser-safe (the editor bundles it); `loadFlowFile` in load-flow-file.ts
 * adds the file system.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Document, type Node as YamlNode, type YAMLError } from 'yaml';
import { FLOW_ERRORS } from '../errors/flow-errors.js';
import type { Finding, SourcePosition } from './finding.js';
import { pointerSegment } from './flow-model.js';
import { scanJson } from './json-syntax.js';
import { createSourcePositions, type SourcePositions } from './source-positions.js';

export type FlowFormat = 'yaml' | 'json';

const LOADED = Symbol.for('parley.loadedFlow');

/** A flow document as read from text: the parsed value, where each part of it was written, and what went wrong reading it. */
export interface LoadedFlow {
  readonly [LOADED]: true;
  /** The parsed document as plain JSON; undefined when the text could not be parsed at all. */
  readonly value: unknown;
  /** FLOW_SYNTAX and FLOW_DUPLICATE_KEY findings, in source order. */
  readonly findings: readonly Finding[];
  readonly file?: string;
  readonly format: FlowFormat;
  readonly text: string;
  readonly positions: SourcePositions;
  /** Where the value at `pointer` starts (1-based), or its nearest existing ancestor when the pointer names a missing property. */
  positionOf(pointer: string): SourcePosition | undefined;
}

export interface LoadOptions {
  /** Shown in findings; also picks the format by extension when `format` is not given. */
  file?: string;
  format?: FlowFormat;
}

/** `.json` files are JSON; anything else is YAML. Without a file name, text starting with `{` is taken as JSON. */
export function detectFormat(text: string, file?: string): FlowFormat {
  if (file) return /\.json$/i.test(file) ? 'json' : 'yaml';
  return /^\uFEFF?\s*\{/.test(text) ? 'json' : 'yaml';
}

export function isLoadedFlow(input: unknown): input is LoadedFlow {
  return typeof input === 'object' && input !== null && (input as Record<symbol, unknown>)[LOADED] === true;
}

/** Hints for the YAML parser's error codes, in a flow designer's words. */
const YAML_HINTS: Record<string, string> = {
  BAD_INDENT: 'Check the indentation: nested fields need more spaces than their parent, fields of one mapping the same number. Use spaces, not tabs.',
  TAB_AS_INDENT: 'Indent with spaces; YAML does not allow tabs for indentation.',
  MISSING_CHAR: 'A quote or bracket is not closed.',
  MULTILINE_IMPLICIT_KEY: 'A key must be on one line: check the indentation of the lines below; if this is text, quote it or use `|` for several lines.',
  BLOCK_AS_IMPLICIT_KEY: 'Text containing ": " must be quoted, e.g. `guidance: "Say: hello"`; or the next line is indented more than it should be.',
  BLOCK_IN_FLOW: 'Inside [ ] or { }, write items on one line separated by commas, or use the indented style.',
  UNEXPECTED_TOKEN: 'Quote text that starts with a special character (`@`, `` ` ``, `%`, `*`, `&`, `!`, `|`, `>`) or contains ": " or " #".',
  DUPLICATE_KEY: 'Remove one of them, or rename it (stage names must be unique).',
  MULTIPLE_DOCS: 'A flow file holds one document: remove the extra `---` line.',
  TAG_RESOLVE_FAILED: 'Flows do not use YAML tags (`!name`); remove it or quote the value.',
  BAD_ALIAS: 'An alias (`*name`) refers to an anchor (`&name`) that is not defined before it.',
};

function yamlMessage(error: YAMLError): string {
  // Without prettyErrors the message has no location suffix; keep its first line.
  return error.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
}

/** Parses YAML or JSON text. Never throws. */
export function loadFlowText(text: string, options: LoadOptions = {}): LoadedFlow {
  const format = options.format ?? detectFormat(text, options.file);
  const lineCounter = new LineCounter();
  const findings: Finding[] = [];
  const file = options.file;
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntax = (code: 'FLOW_SYNTAX' | 'FLOW_DUPLICATE_KEY', offset: number, message: string, hint?: string) => {
    findings.push({
      code,
      severity: FLOW_ERRORS[code].severity,
      pointer: '',
      ...(file !== undefined ? { file } : {}),
      position: at(offset),
      message,
      ...(hint ? { hint } : {}),
    });
  };

  const parse = (counter: LineCounter) => parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false, schema: 'core' });
  const result = (value: unknown, positions: SourcePositions): LoadedFlow => ({
    [LOADED]: true,
    value,
    findings,
    ...(file !== undefined ? { file } : {}),
    format,
    text,
    positions,
    positionOf: (pointer) => positions.positionOf(pointer),
  });

  if (format === 'json') {
    // JSON: the grammar and duplicate names are checked by one scan, the value
    // comes from the native parser (many times faster than YAML's), and the
    // YAML parse that gives positions runs only if something asks for one.
    const scanned = scanJson(text);
    let positions: SourcePositions | undefined;
    const lazyPositions = lazySourcePositions(() => {
      if (!positions) {
        const counter = new LineCounter();
        positions = createSourcePositions(parse(counter), counter, text);
      }
      return positions;
    });
    for (const start of lineStartsOf(text)) lineCounter.addNewLine(start);
    if (scanned.error) {
      syntax('FLOW_SYNTAX', scanned.error.offset, `Not valid JSON: ${scanned.error.message}.`, 'Fix the JSON at this position (property names and text in double quotes, commas between items, none after the last).');
      return result(undefined, lazyPositions);
    }
    for (const duplicate of scanned.duplicates) {
      findings.push({
        code: 'FLOW_DUPLICATE_KEY',
        severity: FLOW_ERRORS.FLOW_DUPLICATE_KEY.severity,
        pointer: duplicate.pointer,
        ...(file !== undefined ? { file } : {}),
        position: at(duplicate.offset),
        message: `\`${duplicate.key}\` is written twice in the same mapping (first on line ${at(duplicate.firstOffset).line}); only the last one would be used.`,
        hint: YAML_HINTS.DUPLICATE_KEY,
      });
    }
    return result(JSON.parse(text) as unknown, lazyPositions);
  }

  const doc = parse(lineCounter);
  const positions = createSourcePositions(doc, lineCounter, text);

  // Duplicate keys and unknown tags still leave a usable document; other errors
  // do not, and after the first one YAML's errors are mostly its consequences,
  // so only the first is reported.
  let fatal = false;
  for (const error of [...doc.errors, ...doc.warnings]) {
    if (error.code === 'DUPLICATE_KEY') {
      const duplicate = findDuplicateKey(doc, error.pos[0]);
      const name = duplicate ? `\`${duplicate.key}\`` : 'A key';
      const first = duplicate ? ` (first on line ${at(duplicate.firstOffset).line})` : '';
      findings.push({
        code: 'FLOW_DUPLICATE_KEY',
        severity: FLOW_ERRORS.FLOW_DUPLICATE_KEY.severity,
        pointer: duplicate?.pointer ?? '',
        ...(file !== undefined ? { file } : {}),
        position: at(error.pos[0]),
        message: `${name} is written twice in the same mapping${first}; only the last one would be used.`,
        hint: YAML_HINTS.DUPLICATE_KEY,
      });
      continue;
    }
    const isFatal = error.name === 'YAMLParseError' && error.code !== 'TAG_RESOLVE_FAILED';
    if (isFatal && fatal) continue;
    fatal ||= isFatal;
    const unclosed = error.code === 'MISSING_CHAR' && /quote/i.test(error.message) ? unclosedQuoteStart(doc, error.pos[0]) : undefined;
    if (unclosed !== undefined) {
      syntax('FLOW_SYNTAX', unclosed, 'Not valid YAML: this quoted text is never closed.', 'Add the closing quote at the end of the text (inside the text, write \\" for a double quote, or \'\' inside single quotes).');
      continue;
    }
    syntax('FLOW_SYNTAX', error.pos[0], `Not valid YAML: ${yamlMessage(error)}.`, YAML_HINTS[error.code]);
  }
  findings.sort((a, b) => a.position!.line - b.position!.line || a.position!.column - b.position!.column);
  if (fatal) return result(undefined, positions);

  try {
    return result(doc.toJS({ maxAliasCount: 100 }), positions);
  } catch (error) {
    // toJS refuses alias bombs ("excessive alias count").
    syntax('FLOW_SYNTAX', 0, `Not valid YAML: ${error instanceof Error ? error.message : String(error)}.`, 'Use fewer aliases (`*name`); write the values out instead.');
    return result(undefined, positions);
  }
}

/** Offsets where each line starts, as YAML's LineCounter records them (the first line at 0). */
function* lineStartsOf(text: string): Generator<number> {
  yield 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) yield i + 1;
}

/** SourcePositions that build the real ones on first use. */
function lazySourcePositions(build: () => SourcePositions): SourcePositions {
  return {
    positionOf: (pointer) => build().positionOf(pointer),
    keyPositionOf: (pointer) => build().keyPositionOf(pointer),
    anchorOf: (pointer) => build().anchorOf(pointer),
    positionInString: (pointer, offset) => build().positionInString(pointer, offset),
    positionInStringAt: (pointer, line, column) => build().positionInStringAt(pointer, line, column),
  };
}

/** The pointer of the key written at `offset` (a duplicate the parser reported), and where the key was first written. */
function findDuplicateKey(doc: Document, offset: number): { pointer: string; key: string; firstOffset: number } | undefined {
  const search = (node: YamlNode | null | undefined, pointer: string): { pointer: string; key: string; firstOffset: number } | undefined => {
    if (isMap(node)) {
      const firstSeen = new Map<string, number>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
        const start = keyNode?.range?.[0] ?? -1;
        if (!firstSeen.has(key)) firstSeen.set(key, start);
        if (start === offset) return { pointer: `${pointer}/${pointerSegment(key)}`, key, firstOffset: firstSeen.get(key)! };
        const inner = search(pair.value as YamlNode | null, `${pointer}/${pointerSegment(key)}`);
        if (inner) return inner;
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const inner = search(node.items[i] as YamlNode, `${pointer}/${i}`);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return search(doc.contents as YamlNode | null, '');
}

/** Where the quoted scalar that runs to `offset` without its closing quote starts. */
function unclosedQuoteStart(doc: Document, offset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const range = node.range;
      if (!range || (node.type !== Scalar.QUOTE_DOUBLE && node.type !== Scalar.QUOTE_SINGLE)) return;
      if (range[0] < offset && offset <= range[2] && (start === undefined || range[0] > start)) start = range[0];
    },
  });
  return start;
}
