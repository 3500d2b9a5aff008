/**
 * Where connectors come from: the built-in `connectors/` folder, and the paths
 * or npm package names listed in `PARLEY_CONNECTORS` (comma-separated).
 *
 * A path is one connector when it is a module file, or a folder holding a
 * `package.json` or an `index.{js,mjs,ts,mts}`; any other folder is a folder of
 * connectors, one per subfolder (subfolders starting with `_` or `.` are
 * skipped: `_template` is an example, not a connector). Anything that is not an
 * existing path is an npm package name, looked up in `node_modules` from the
 * working directory upwards. A package names its connector module in
 * `package.json` as `"parley": { "connector": "./dist/index.js" }`, or else
 * through `exports["."]` (import/default condition) or `main`.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One connector module to import. */
export interface ConnectorSource {
  /** As the catalog shows it: `builtin`, an absolute folder or file path, or `npm:<package>`. */
  label: string;
  /** Absolute path of the module to import; absent when the source could not be resolved. */
  entry?: string;
  /** Why it could not be resolved. */
  error?: string;
  /** Name to report problems under until the manifest is read (folder or package name). */
  hint: string;
}

/** Module files tried in a connector folder, compiled JavaScript first (plain Node cannot import TypeScript). */
const INDEX_FILES = ['index.js', 'index.mjs', 'index.ts', 'index.mts'];
const MODULE_FILE = /\.(m?js|m?ts)$/;

/** The built-in connectors folder: `connectors/` next to `engine/`, in the sources and in `dist/` alike. */
export const BUILTIN_CONNECTORS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'connectors');

/** Splits `PARLEY_CONNECTORS`: comma-separated, whitespace trimmed, empty entries dropped. */
export function parseConnectorList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The module a package folder names as its connector. */
function packageEntry(dir: string): string | { error: string } {
  const pkgFile = path.join(dir, 'package.json');
  let pkg: Record<string, unknown>;
  try {
    pkg = readJson(pkgFile);
  } catch (error) {
    return { error: `${pkgFile} is not valid JSON: ${(error as Error).message}` };
  }
  const parley = pkg.parley as { connector?: unknown } | undefined;
  const exportsField = pkg.exports as unknown;
  let target: unknown = parley?.connector;
  if (target === undefined && exportsField !== undefined) {
    const dot = typeof exportsField === 'string' ? exportsField : (exportsField as Record<string, unknown>)['.'] ?? exportsField;
    target = typeof dot === 'string' ? dot : (dot as Record<string, unknown>)?.import ?? (dot as Record<string, unknown>)?.default;
  }
  target ??= pkg.main;
  if (typeof target === 'string') {
    const file = path.resolve(dir, target);
    return existsSync(file) ? file : { error: `${pkgFile} names ${target} as the connector module, but ${file} does not exist` };
  }
  const index = INDEX_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
  return index ?? { error: `${pkgFile} names no module: add "parley": { "connector": "./path/to/module.js" }` };
}

function isConnectorFolder(dir: string): boolean {
  return existsSync(path.join(dir, 'package.json')) || INDEX_FILES.some((f) => existsSync(path.join(dir, f)));
}

function folderSource(dir: string, label: string): ConnectorSource {
  const hint = path.basename(dir);
  if (existsSync(path.join(dir, 'package.json'))) {
    const entry = packageEntry(dir);
    return typeof entry === 'string' ? { label, entry, hint } : { label, error: entry.error, hint };
  }
  const index = INDEX_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
  return index ? { label, entry: index, hint } : { label, error: `${dir} has no ${INDEX_FILES.join(' / ')}`, hint };
}

/** Connectors in a folder of connector folders. */
function folderOfConnectors(dir: string, label: (sub: string) => string): ConnectorSource[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.') && d.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((d) => path.join(dir, d.name))
    .filter(isConnectorFolder)
    .map((sub) => folderSource(sub, label(sub)));
}

/** Finds `node_modules/<name>` from `cwd` upwards, like Node does. */
function findPackageDir(name: string, cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;

/** Resolves one configured entry (path or package name) into connector modules. */
export function resolveConnectorSpec(spec: string, cwd: string): ConnectorSource[] {
  const asPath = path.resolve(cwd, spec);
  if (existsSync(asPath)) {
    const stat = statSync(asPath);
    if (stat.isFile()) {
      return MODULE_FILE.test(asPath)
        ? [{ label: asPath, entry: asPath, hint: path.basename(asPath).replace(MODULE_FILE, '') }]
        : [{ label: asPath, error: `${asPath} is not a JavaScript or TypeScript module`, hint: path.basename(asPath) }];
    }
    if (isConnectorFolder(asPath)) return [folderSource(asPath, asPath)];
    const found = folderOfConnectors(asPath, (sub) => sub);
    return found.length > 0 ? found : [{ label: asPath, error: `${asPath} holds no connector folders`, hint: path.basename(asPath) }];
  }
  const looksLikePath = spec.startsWith('.') || spec.startsWith('/') || spec.includes('\\') || /^[A-Za-z]:/.test(spec);
  if (looksLikePath || !PACKAGE_NAME.test(spec)) {
    return [{ label: asPath, error: `${asPath} does not exist`, hint: path.basename(spec) }];
  }
  const dir = findPackageDir(spec, cwd);
  if (!dir) return [{ label: `npm:${spec}`, error: `package ${spec} is not installed (looked in node_modules from ${cwd} up); run \`npm install ${spec}\``, hint: spec }];
  const entry = packageEntry(dir);
  return [typeof entry === 'string' ? { label: `npm:${spec}`, entry, hint: spec } : { label: `npm:${spec}`, error: entry.error, hint: spec }];
}

/** The built-ins, optionally only those named. */
export function builtinSources(only?: readonly string[], dir = BUILTIN_CONNECTORS_DIR): ConnectorSource[] {
  if (!existsSync(dir)) return [];
  const all = folderOfConnectors(dir, () => 'builtin');
  return only ? all.filter((s) => only.includes(s.hint)) : all;
}
