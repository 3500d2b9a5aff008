/**
 * `parley` command entry: parses the sub-command and hands over. Each command
 * lives in its own file and returns its exit code (0 ok, 1 findings/failures,
 * 2 usage or I/O errors).
 */
export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `out` may use ANSI colours: a terminal, and NO_COLOR not set. */
  color?: boolean;
}

export interface Command {
  summary: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

const defaultIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  // https://no-color.org: any non-empty NO_COLOR turns colours off.
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
};

/** Commands load lazily so `parley validate` does not pay for the server's imports. */
const COMMANDS: Record<string, () => Promise<Command>> = {};

export function registerCommand(name: string, load: () => Promise<Command>): void {
  COMMANDS[name] = load;
}

function help(): string {
  return [
    'parley — low-code workflow engine for AI phone agents',
    '',
    'Usage: parley <command> [options]',
    '',
    'Commands:',
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
    '',
    'Run `parley <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  await import('./commands.js');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(`parley: unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  return command.run(rest, io);
}
