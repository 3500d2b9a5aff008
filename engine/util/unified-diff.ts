/**
 * A line diff in the unified format (`diff -u`), for showing a designer what
 * changed between two versions of a flow's YAML. Myers' O((N+M)·D) algorithm,
 * keeping only the diagonals each step can reach, so memory is O(D²); past
 * `maxEdits` changed lines it gives up (returns undefined) rather than spend
 * time on a diff nobody reads line by line — the structural diff still says
 * what changed.
 */

/** One line of an edit script. */
interface Edit {
  op: ' ' | '-' | '+';
  line: string;
}

export interface UnifiedDiffOptions {
  /** Header names, e.g. `v3` and `draft`. */
  fromLabel?: string;
  toLabel?: string;
  /** Unchanged lines shown around each change. Default 3. */
  context?: number;
  /** Most inserted plus deleted lines worth diffing. Default 2000. */
  maxEdits?: number;
}

/** Splits text into lines without their endings; a final newline does not make an empty last line. */
function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** The shortest edit script from `a` to `b`, or undefined when it is longer than `maxEdits`. */
function editScript(a: string[], b: string[], maxEdits: number): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  /** frontier[d][k + d]: furthest x on diagonal k after d edits. */
  const frontier: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(n + m, maxEdits); d++) {
    const row = new Int32Array(2 * d + 1);
    const prev = frontier[d - 1];
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (d === 0) x = 0;
      else if (k === -d || (k !== d && prev![k - 1 + d - 1]! < prev![k + 1 + d - 1]!)) x = prev![k + 1 + d - 1]!; // down: insert b[y]
      else x = prev![k - 1 + d - 1]! + 1; // right: delete a[x]
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      row[k + d] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    frontier.push(row);
    if (found >= 0) break;
  }
  if (found < 0) return undefined;

  // Walk back from (n, m) through the frontiers.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = frontier[d - 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && prev[k - 1 + d - 1]! < prev[k + 1 + d - 1]!) ? k + 1 : k - 1;
    const prevX = prev[prevK + d - 1]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) edits.push({ op: ' ', line: a[--x]! }), y--;
    if (x === prevX) edits.push({ op: '+', line: b[--y]! });
    else edits.push({ op: '-', line: a[--x]! });
  }
  while (x > 0 && y > 0) edits.push({ op: ' ', line: a[--x]! }), y--;
  return edits.reverse();
}

/**
 * The unified diff of two texts: `''` when they are equal, undefined when they
 * differ in more than `maxEdits` lines.
 */
export function unifiedDiff(from: string, to: string, options: UnifiedDiffOptions = {}): string | undefined {
  if (from === to) return '';
  const context = options.context ?? 3;
  const edits = editScript(lines(from), lines(to), options.maxEdits ?? 2000);
  if (!edits) return undefined;

  const out = [`--- ${options.fromLabel ?? 'a'}`, `+++ ${options.toLabel ?? 'b'}`];
  // Line numbers (0-based) in `from` and `to` before each edit.
  const aAt: number[] = [];
  const bAt: number[] = [];
  let ai = 0;
  let bi = 0;
  for (const edit of edits) {
    aAt.push(ai);
    bAt.push(bi);
    if (edit.op !== '+') ai++;
    if (edit.op !== '-') bi++;
  }
  let i = 0;
  while (i < edits.length) {
    if (edits[i]!.op === ' ') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change that is close enough.
    const start = Math.max(0, i - context);
    let end = i;
    let last = i;
    while (end < edits.length) {
      if (edits[end]!.op !== ' ') last = end;
      else if (end - last > 2 * context) break;
      end++;
    }
    end = Math.min(edits.length, last + context + 1);
    const hunk = edits.slice(start, end);
    const aCount = hunk.filter((e) => e.op !== '+').length;
    const bCount = hunk.filter((e) => e.op !== '-').length;
    const aStart = aCount === 0 ? aAt[start]! : aAt[start]! + 1;
    const bStart = bCount === 0 ? bAt[start]! : bAt[start]! + 1;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const edit of hunk) out.push(`${edit.op}${edit.line}`);
    i = end;
  }
  return out.join('\n') + '\n';
}
