/**
 * Configuration comes from environment variables only (secrets included), each
 * listed with an example in `.env.example`. `loadConfig` validates them all at
 * start and names the variable that is wrong. The one other reader is the
 * connector host, which reads each connector's declared variables (its
 * secrets) from the environment it is given.
 */
import path from 'node:path';
import { ParleyError } from '../errors/parley-error.js';
import { fromRoot } from '../util/package-root.js';

export interface ParleyConfig {
  port: number;
  /** Address to bind. Without an API key this is forced to loopback. */
  host: string;
  /** Folder for the SQLite file and other local state. */
  dataDir: string;
  /** Protects the admin API and the editor. */
  apiKey?: string;
  /** MongoDB connection string; when set, MongoDB is the store instead of SQLite. */
  mongodbUri?: string;
  openai: {
    apiKey?: string;
    /** Realtime WebSocket endpoint (`ws://` or `wss://`), so tests can point at the fake server. */
    realtimeUrl: string;
  };
  twilio: {
    accountSid?: string;
    authToken?: string;
    /** Default caller id for outbound calls and SMS. */
    fromNumber?: string;
  };
  /** Public base URL Twilio reaches this server at (`https://…`); used for TwiML and signature checks. */
  publicUrl?: string;
  /** Third-party connectors: folders or npm package names. */
  connectors: string[];
  /** Flows loaded into the store at start when it has none (the examples). Empty string disables. */
  flowsDir: string;
  /** Load the connectors' example data (calendars, contacts) into an empty store at start. */
  exampleData: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest request body, in bytes. */
  bodyLimit: number;
  /** How often live call-event streams look in the store for events appended by other processes, in ms. */
  livePollMs: number;
}

/** Command-line options override the environment. */
export interface ConfigOverrides {
  port?: number;
  host?: string;
  dataDir?: string;
}

const LOOPBACK = '127.0.0.1';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function invalid(variable: string, message: string): ParleyError {
  return new ParleyError('CONFIG_INVALID', `${variable}: ${message}`, { details: { variable } });
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw invalid(name, `"${raw}" is not a URL`);
  }
  if (!protocols.includes(parsed.protocol)) throw invalid(name, `expected a ${protocols.join(' or ')} URL, got "${parsed.protocol}"`);
  return raw.replace(/\/+$/, '');
}

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

/** The OpenAI Realtime endpoint used when `OPENAI_REALTIME_URL` is not set. */
export const DEFAULT_OPENAI_REALTIME_URL = 'wss://api.openai.com/v1/realtime';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): ParleyConfig {
  const apiKey = optional(env, 'PARLEY_API_KEY');
  if (apiKey !== undefined && apiKey.length < 16) throw invalid('PARLEY_API_KEY', 'use at least 16 characters (e.g. `openssl rand -hex 24`)');
  const logLevel = (optional(env, 'LOG_LEVEL') ?? 'info') as ParleyConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw invalid('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}`);
  const accountSid = optional(env, 'TWILIO_ACCOUNT_SID');
  if (accountSid !== undefined && !/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw invalid('TWILIO_ACCOUNT_SID', 'expected "AC" followed by 32 hex digits');
  const fromNumber = optional(env, 'TWILIO_FROM_NUMBER');
  if (fromNumber !== undefined && !/^\+[1-9]\d{6,14}$/.test(fromNumber)) throw invalid('TWILIO_FROM_NUMBER', 'expected an E.164 number such as +15125550100');
  const mongodbUri = optional(env, 'MONGODB_URI');
  if (mongodbUri !== undefined && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) throw invalid('MONGODB_URI', 'expected a mongodb:// or mongodb+srv:// URI');

  const port = overrides.port ?? integer(env, 'PORT', 3000, 0, 65535);
  const host = overrides.host ?? optional(env, 'HOST') ?? LOOPBACK;
  const dataDir = path.resolve(overrides.dataDir ?? optional(env, 'PARLEY_DATA_DIR') ?? 'data');
  const flowsDir = env.PARLEY_FLOWS_DIR === '' ? '' : path.resolve(optional(env, 'PARLEY_FLOWS_DIR') ?? fromRoot('flows'));

  return {
    port,
    host,
    dataDir,
    ...(apiKey ? { apiKey } : {}),
    ...(mongodbUri ? { mongodbUri } : {}),
    openai: {
      ...(optional(env, 'OPENAI_API_KEY') ? { apiKey: optional(env, 'OPENAI_API_KEY') } : {}),
      realtimeUrl: url(env, 'OPENAI_REALTIME_URL', ['ws:', 'wss:']) ?? DEFAULT_OPENAI_REALTIME_URL,
    },
    twilio: {
      ...(accountSid ? { accountSid } : {}),
      ...(optional(env, 'TWILIO_AUTH_TOKEN') ? { authToken: optional(env, 'TWILIO_AUTH_TOKEN') } : {}),
      ...(fromNumber ? { fromNumber } : {}),
    },
    ...(url(env, 'PUBLIC_URL', ['http:', 'https:']) ? { publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:']) } : {}),
    connectors: (optional(env, 'PARLEY_CONNECTORS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    flowsDir,
    exampleData: !['0', 'false', 'off', 'no'].includes((optional(env, 'PARLEY_EXAMPLE_DATA') ?? 'on').toLowerCase()),
    logLevel,
    bodyLimit: integer(env, 'PARLEY_BODY_LIMIT', 1_048_576, 1024, 64 * 1_048_576),
    livePollMs: integer(env, 'PARLEY_LIVE_POLL_MS', 1000, 50, 60_000),
  };
}

/** Whether the bind address only accepts local connections. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * The address to listen on: with no API key the admin API would be open to
 * anyone who can reach the port, so Parley refuses to leave loopback.
 */
export function effectiveHost(config: ParleyConfig): { host: string; forcedLoopback: boolean } {
  if (config.apiKey || isLoopback(config.host)) return { host: config.host, forcedLoopback: false };
  return { host: LOOPBACK, forcedLoopback: true };
}

/** What the configuration means for /health, with no secret values. */
export function describeConfig(config: ParleyConfig) {
  return {
    store: config.mongodbUri ? 'mongodb' : 'sqlite',
    auth: Boolean(config.apiKey),
    model: { configured: Boolean(config.openai.apiKey), endpoint: new URL(config.openai.realtimeUrl).host },
    telephony: { configured: Boolean(config.twilio.accountSid && config.twilio.authToken && config.publicUrl) },
  };
}
