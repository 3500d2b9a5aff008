/**
 * Writes `docs/errors.md` from the error catalogue.
 *
 *   npm run gen:docs            write it
 *   npm run gen:docs -- --check exit 1 when it is out of date
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_SECTIONS } from '../engine/errors/catalog.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ERRORS_DOC = path.join(root, 'docs', 'errors.md');

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function renderErrorDocs(): string {
  const lines = [
    '<!-- generated from engine/errors/*.ts by scripts/generate-error-docs.ts — do not edit -->',
    '# Errors',
    '',
    'Every error and finding Parley reports carries one of these codes. Codes are stable:',
    'match on them in scripts and CI; they are never reused for another meaning.',
    '',
    'Kinds: **user** — the request or document is wrong and its author can fix it;',
    '**operational** — something outside Parley failed and an operator acts;',
    '**unexpected** — a bug in Parley.',
    '',
    'API errors are JSON: `{ "error": { "code", "message", "hint", "details" } }` with the HTTP status below.',
    '',
  ];
  for (const section of ERROR_SECTIONS) {
    lines.push(`## ${section.title}`, '', '| Code | Kind | HTTP | Meaning | Fix |', '| --- | --- | --- | --- | --- |');
    for (const [code, def] of Object.entries(section.codes)) {
      lines.push(`| \`${code}\` | ${def.kind} | ${def.status} | ${cell(def.meaning)} | ${cell(def.fix)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const text = renderErrorDocs();
  const current = await readFile(ERRORS_DOC, 'utf8').catch(() => '');
  if (current === text) return;
  if (process.argv.includes('--check')) {
    console.error('docs/errors.md is out of date with the error catalogue: run `npm run gen:docs`');
    process.exitCode = 1;
    return;
  }
  await writeFile(ERRORS_DOC, text);
  console.log('wrote docs/errors.md');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
