/**
 * Which files `parley validate` checks: files named on the command line as
 * they are, and in folders (recursively) every `*.yaml`, `*.yml` and `*.json`
 * except flow tests (`*.test.yaml`, `*.test.yml`, `*.test.json`, which sit
 * next to the flows they test), dependencies and hidden folders.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isFlowFileName } from '../flow/flow-file-names.js';

export { isFlowFileName } from '../flow/flow-file-names.js';

const SKIPPED_FOLDERS = new Set(['node_modules']);

export interface FoundFiles {
  /** Flow files, sorted, each once. */
  files: string[];
  /** Paths that do not exist or cannot be listed. */
  problems: Array<{ path: string; message: string }>;
}

/** The flow files among `paths` (files as they are, folders searched recursively). */
export async function findFlowFiles(paths: readonly string[]): Promise<FoundFiles> {
  return findFiles(paths, isFlowFileName);
}

/** Files among `paths`: files named are taken as they are; in folders (recursively), those `matches` accepts. */
export async function findFiles(paths: readonly string[], matches: (name: string) => boolean): Promise<FoundFiles> {
  const files = new Set<string>();
  const problems: FoundFiles['problems'] = [];

  const walk = async (folder: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: folder, message: (error as Error).message });
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && matches(entry.name)) files.add(full);
    }
  };

  for (const given of paths) {
    let info;
    try {
      info = await stat(given);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({ path: given, message: code === 'ENOENT' ? 'no such file or folder' : (error as Error).message });
      continue;
    }
    if (info.isDirectory()) await walk(given);
    else files.add(given);
  }
  return { files: [...files].sort(), problems };
}
