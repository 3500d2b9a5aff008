/**
 * Reads a flow file from disk. Kept apart from load-flow.ts so the editor can
 * bundle the loader without the file system.
 */
import { readFile } from 'node:fs/promises';
import { ParleyError } from '../errors/parley-error.js';
import { loadFlowText, type LoadedFlow } from './load-flow.js';

/**
 * Loads a YAML or JSON flow file (format by extension). Problems with the
 * document are findings on the result; a file that cannot be read throws
 * ParleyError `IO`.
 */
export async function loadFlowFile(path: string): Promise<LoadedFlow> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ParleyError('IO', `cannot read ${path}: ${reason}`, { cause: error, details: { path } });
  }
  return loadFlowText(text, { file: path });
}
