#!/usr/bin/env node
// The `parley` command. The TypeScript sources are built into dist/ by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/engine/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('parley: the engine is not built. Run `npm install` (or `npm run build`) in the Parley folder first.');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
