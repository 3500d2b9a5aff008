/**
 * Context variable paths (`patient.children`, `booking.id`) as templates,
 * expressions and writes name them, and how they relate: a write to `patient`
 * defines `patient.name` too; a write to `patient.name` makes `patient` exist.
 */

/** Whether `prefix` is `path` or one of its ancestors: `a` of `a.b`, not `ab` of `a.b`. */
export function isPathPrefix(prefix: string, path: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 46 /* . */);
}

/** Whether writing one path and reading the other concern the same value (one contains the other). */
export function overlaps(a: string, b: string): boolean {
  return isPathPrefix(a, b) || isPathPrefix(b, a);
}

/** Proper ancestors of a path, nearest last: `a.b.c` → `a`, `a.b`. */
export function ancestorPaths(path: string): string[] {
  const out: string[] = [];
  for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) out.push(path.slice(0, dot));
  return out;
}

/** The first segment: the variable itself (`patient` of `patient.name`). */
export function rootOf(path: string): string {
  const dot = path.indexOf('.');
  return dot < 0 ? path : path.slice(0, dot);
}
