/** `parley serve`: the HTTP server with the example flows on the embedded store. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { isParleyError } from '../errors/parley-error.js';
import { startServer } from '../server/start-server.js';
import type { Command } from './main.js';

export const serveCommand: Command = {
  summary: 'Start the Parley server (API, Twilio webhooks, editor) on the embedded store unless MONGODB_URI is set.',
  usage: 'parley serve [--port <n>] [--host <address>] [--data <dir>]\n\nConfiguration comes from environment variables (see .env.example); options override them.',
  async run(args, io) {
    let values: { port?: string; host?: string; data?: string };
    try {
      ({ values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' } }, strict: true }));
    } catch (error) {
      io.err(`parley serve: ${(error as Error).message}\n\nUsage: ${this.usage}`);
      return 2;
    }
    const port = values.port === undefined ? undefined : Number(values.port);
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      io.err(`parley serve: --port must be a whole number from 0 to 65535, got "${values.port}"`);
      return 2;
    }
    try {
      const config = loadConfig(process.env, { ...(port !== undefined ? { port } : {}), ...(values.host ? { host: values.host } : {}), ...(values.data ? { dataDir: values.data } : {}) });
      const server = await startServer(config, io.out);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          io.out(`${signal} received, shutting down…`);
          void server.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    } catch (error) {
      if (isParleyError(error)) {
        io.err(`parley serve: ${error.message}\nhint: ${error.hint}`);
        return error.kind === 'user' || error.code === 'CONFIG_INVALID' ? 2 : 1;
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        io.err(`parley serve: the port is already in use. Stop the other server or pass --port <n>.`);
        return 2;
      }
      throw error;
    }
  },
};
