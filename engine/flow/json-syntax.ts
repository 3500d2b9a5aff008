/**
 * Checks a text against JSON's grammar in one pass: the first syntax error
 * with its offset, and property names written twice (JSON.parse keeps the
 * last one silently). `.json` flows are held to JSON's rules — YAML, which
 * gives both formats their positions, would accept comments, trailing commas
 * and single quotes that other tools reading the file reject — and JSON.parse
 * is no help for errors: Node 20's messages do not always carry a position.
 */

export interface JsonSyntaxError {
  /** 0-based offset of the offending character. */
  offset: number;
  message: string;
}

/** A property name written twice in one object (JSON.parse keeps the last silently). */
export interface JsonDuplicateKey {
  /** JSON pointer of the property. */
  pointer: string;
  key: string;
  /** 0-based offsets of the repeated and of the first name. */
  offset: number;
  firstOffset: number;
}

/** Checks `text` against JSON's grammar and finds duplicate property names, in one pass. */
export function scanJson(text: string): { error?: JsonSyntaxError; duplicates: JsonDuplicateKey[] } {
  const duplicates: JsonDuplicateKey[] = [];
  const path: string[] = [];
  let i = 0;
  const fail = (message: string, offset = i): never => {
    throw { offset, message } satisfies JsonSyntaxError;
  };
  const describe = (offset: number) => (offset >= text.length ? 'the end of the file' : `"${text[offset]}"`);

  const skipSpace = () => {
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) fail('comments are not allowed in JSON');
      else break;
    }
  };

  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return text.slice(start, i);
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('"\\u" must be followed by four hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail(`"\\${e ?? ''}" is not a JSON escape`);
        continue;
      }
      if (c === '\n' || c === '\r') fail('a string must end on the line it starts on (write a line break as \\n)', start);
      if (c.charCodeAt(0) < 0x20) fail('control characters must be escaped in JSON strings');
      i++;
    }
    return fail('this string is never closed (missing ")', start);
  };

  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!match) fail(`${describe(i)} does not start a JSON value`);
    const next = text[i + match![0].length];
    if (next !== undefined && /[0-9.eE]/.test(next)) fail('numbers in JSON have no leading zeros and one decimal point', i);
    i += match![0].length;
  };

  const value = (depth: number): void => {
    if (depth > 512) fail('nested too deeply');
    skipSpace();
    const c = text[i];
    if (c === '{') return object(depth);
    if (c === '[') return array(depth);
    if (c === '"') {
      string();
      return;
    }
    if (c === "'") fail('JSON strings use double quotes (")');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail(c === undefined ? 'the file ends where a value was expected' : `${describe(i)} does not start a JSON value (text must be in double quotes)`);
  };

  const object = (depth: number) => {
    let comma = i;
    const seen = new Map<string, number>();
    i++;
    skipSpace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === '}') fail('a comma before "}" is not allowed in JSON (remove the last comma)', comma);
      if (text[i] !== '"') fail(text[i] === "'" ? 'JSON property names use double quotes (")' : `expected a property name in double quotes, found ${describe(i)}`);
      const keyStart = i;
      const key = JSON.parse(string()) as string;
      const first = seen.get(key);
      const segment = key.replaceAll('~', '~0').replaceAll('/', '~1');
      if (first !== undefined) duplicates.push({ pointer: `${path.map((p) => `/${p}`).join('')}/${segment}`, key, offset: keyStart, firstOffset: first });
      else seen.set(key, keyStart);
      skipSpace();
      if (text[i] !== ':') fail(`expected ":" after the property name, found ${describe(i)}`);
      i++;
      path.push(segment);
      value(depth + 1);
      path.pop();
      const valueEnd = i;
      skipSpace();
      if (text[i] === ',') {
        comma = i;
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail(`expected "," or "}" after this value, found ${describe(i)} (is a comma missing?)`, valueEnd);
    }
  };

  const array = (depth: number) => {
    let comma = i;
    let index = 0;
    i++;
    skipSpace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === ']') fail('a comma before "]" is not allowed in JSON (remove the last comma)', comma);
      path.push(String(index++));
      value(depth + 1);
      path.pop();
      const valueEnd = i;
      skipSpace();
      if (text[i] === ',') {
        comma = i;
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail(`expected "," or "]" after this item, found ${describe(i)} (is a comma missing?)`, valueEnd);
    }
  };

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    value(0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return { duplicates };
  } catch (error) {
    if (error && typeof error === 'object' && 'offset' in error) return { error: error as JsonSyntaxError, duplicates };
    throw error;
  }
}
