/** The command table: one line per command, each loaded only when used. */
import { registerCommand } from './main.js';

registerCommand('serve', async () => (await import('./serve-command.js')).serveCommand);
registerCommand('validate', async () => (await import('./validate-command.js')).validateCommand);
registerCommand('demo', async () => (await import('./demo-command.js')).demoCommand);
registerCommand('test', async () => (await import('./test-command.js')).testCommand);
registerCommand('chat', async () => (await import('./chat-command.js')).chatCommand);
