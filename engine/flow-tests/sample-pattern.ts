/**
 * A short line a `pattern` trigger matches, for generated test cases: the
 * pattern read as plain text, taking the first alternative of each choice,
 * leaving out what is optional and taking one of what repeats. It covers the
 * patterns flows write (words, groups, `|`, `?`, `+`, `*`, `{n}`, simple
 * classes, `\s`, `\d`, `\w`, `\b`); the line is checked against the pattern,
 * and anything it cannot do gives undefined (a person writes the line).
 */

/** A line the pattern matches (case-insensitively, as the engine matches), or undefined. */
export function samplePattern(pattern: string): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'iu');
  } catch {
    return undefined;
  }
  let text: string | undefined;
  try {
    text = new PatternReader(pattern).read();
  } catch {
    return undefined;
  }
  const line = text?.replace(/\s+/g, ' ').trim();
  return line && regex.test(line) ? line : undefined;
}

class PatternReader {
  private at = 0;
  constructor(private readonly source: string) {}

  read(): string {
    const text = this.alternatives();
    if (this.at < this.source.length) throw new Error('unbalanced');
    return text;
  }

  /** `a|b`: the first alternative; the others are read past. */
  private alternatives(): string {
    const first = this.sequence();
    while (this.source[this.at] === '|') {
      this.at++;
      this.sequence();
    }
    return first;
  }

  private sequence(): string {
    let text = '';
    while (this.at < this.source.length && this.source[this.at] !== '|' && this.source[this.at] !== ')') {
      const atom = this.atom();
      text += this.quantified(atom);
    }
    return text;
  }

  private atom(): string {
    const c = this.source[this.at++]!;
    switch (c) {
      case '(': {
        if (this.source[this.at] === '?') {
          if (this.source[this.at + 1] !== ':') throw new Error('lookaround');
          this.at += 2;
        }
        const inner = this.alternatives();
        if (this.source[this.at++] !== ')') throw new Error('unbalanced');
        return inner;
      }
      case '[': {
        const end = this.source.indexOf(']', this.at + 1);
        if (end < 0 || this.source[this.at] === '^') throw new Error('class');
        const body = this.source.slice(this.at, end);
        this.at = end + 1;
        return body.startsWith('\\') ? escaped(body[1]!) : body[0]!;
      }
      case '\\':
        return escaped(this.source[this.at++]!);
      case '^':
      case '$':
        return '';
      case '.':
        return 'a';
      default:
        return c;
    }
  }

  /** Applies `?`, `*`, `+`, `{n,m}` after an atom: the fewest repeats, at least one where required. */
  private quantified(atom: string): string {
    const q = this.source[this.at];
    if (q === '?' || q === '*') {
      this.at++;
      if (this.source[this.at] === '?') this.at++;
      return '';
    }
    if (q === '+') {
      this.at++;
      if (this.source[this.at] === '?') this.at++;
      return atom;
    }
    if (q === '{') {
      const match = /^\{(\d+)(,\d*)?\}/.exec(this.source.slice(this.at));
      if (!match) return atom;
      this.at += match[0].length;
      return atom.repeat(Number(match[1]));
    }
    return atom;
  }
}

function escaped(c: string): string {
  switch (c) {
    case 's':
      return ' ';
    case 'd':
      return '1';
    case 'w':
      return 'a';
    case 'b':
    case 'B':
      return '';
    default:
      if (/[a-zA-Z]/.test(c)) throw new Error('escape');
      return c;
  }
}
