/**
 * API-key protection for every route not explicitly marked public
 * (`config: { public: true }`: health, OpenAPI docs, Twilio webhooks — which
 * check Twilio's signature instead). The key is compared in constant time over
 * fixed-length digests, so neither its content nor its length leaks through
 * timing. Without a configured key the server only listens on loopback
 * (see effectiveHost), and every route is open to local callers.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ParleyError } from '../../errors/parley-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without the API key. */
    public?: boolean;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The key a request presents: bearer token, `x-api-key` header, or the editor's cookie. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice(7).trim();
  const header = request.headers['x-api-key'];
  if (typeof header === 'string') return header.trim();
  const cookie = request.headers.cookie;
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name === 'parley_key') return decodeURIComponent(rest.join('='));
    }
  }
  return undefined;
}

export function keyMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

export const authPlugin = fp(async function auth(app: FastifyInstance, options: { apiKey?: string }) {
  const { apiKey } = options;
  if (!apiKey) return;
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    if (!keyMatches(presentedKey(request), apiKey)) {
      throw new ParleyError('API_UNAUTHORIZED', presentedKey(request) === undefined ? 'This route needs the API key.' : 'The API key is wrong.');
    }
  });
});
