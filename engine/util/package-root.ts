/**
 * Finds files shipped with Parley (schemas, example flows, built-in connectors)
 * the same way whether the code runs from TypeScript sources or from `dist/`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'schemas'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Parley package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot();

/** Absolute path of a file inside the Parley package, e.g. `fromRoot('schemas', 'flow.schema.json')`. */
export function fromRoot(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}
