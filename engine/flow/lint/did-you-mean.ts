/**
 * Suggestions for misspelt names (stages, tools, fields, operations) by edit
 * distance, so a finding can say "did you mean `reassure`?".
 */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  let prevPrev = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  let current = new Array<number>(cols).fill(0);
  for (let i = 1; i < rows; i++) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, current[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, prevPrev[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [prevPrev, prev, current] = [prev, current, prevPrev];
  }
  return prev[cols - 1]!;
}

/**
 * Up to `max` candidates close to `name`: same letters in another case, or an
 * edit distance of at most a third of the name's length (at least 1, at most 3).
 * Closest first; ties keep the candidates' order.
 */
export function suggest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = name.toLowerCase();
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  const scored: Array<{ candidate: string; score: number; order: number }> = [];
  let order = 0;
  for (const candidate of new Set(candidates)) {
    order++;
    if (candidate === name) continue;
    const candidateLower = candidate.toLowerCase();
    let score: number;
    if (candidateLower === lower) score = 0;
    else {
      const distance = editDistance(lower, candidateLower, limit);
      if (distance > limit) continue;
      score = distance;
    }
    scored.push({ candidate, score, order });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.order - b.order)
    .slice(0, max)
    .map((entry) => entry.candidate);
}

/** `did you mean \`a\`?` / `did you mean \`a\` or \`b\`?`, or undefined when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const found = suggest(name, candidates);
  if (found.length === 0) return undefined;
  const quoted = found.map((candidate) => `\`${candidate}\``);
  return `Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}

/** A short list of names for a hint: `a`, `b`, `c` (and 4 more). */
export function listNames(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).map((name) => `\`${name}\``);
  return names.length > max ? `${shown.join(', ')} (and ${names.length - max} more)` : shown.join(', ');
}
