/** Codes that belong to no single area. */
import type { ErrorDefinition } from './parley-error.js';

export const GENERAL_ERRORS = {
  INTERNAL: {
    meaning: 'Something went wrong inside Parley.',
    fix: 'Report it with the request id from the log; the request changed nothing.',
    kind: 'unexpected',
    status: 500,
  },
  USAGE: {
    meaning: 'A command was called with arguments it does not accept.',
    fix: 'Run the command with `--help` to see its arguments.',
    kind: 'user',
    status: 400,
  },
  IO: {
    meaning: 'A file or folder could not be read or written.',
    fix: 'Check that the path exists and that Parley may read (or write) it.',
    kind: 'operational',
    status: 500,
  },
} as const satisfies Record<string, ErrorDefinition>;
