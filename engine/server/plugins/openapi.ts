/**
 * The OpenAPI document and its UI at `/docs`, built from the route schemas,
 * which refer to the shared definitions in `schemas/api.schema.json`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifySchema {
    /**
     * The request body as the OpenAPI document describes it, for routes that
     * parse and check their body themselves (flow documents, JSON or YAML,
     * checked by the flow linter with line and column): fastify does not
     * validate it, the docs still show it.
     */
    documentedBody?: unknown;
  }
}

export const openApiPlugin = fp(async function openApi(app: FastifyInstance, options: { version: string }) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: options.version,
        description: 'Flows, calls, phone-number routing, connectors and operations. Admin routes need `Authorization: Bearer <PARLEY_API_KEY>`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    // Component names must be URL-safe (OpenAPI: letters, digits, `.`, `-`, `_`): the `$id`, not the title.
    transform: ({ schema, url }) => {
      if (!schema || schema.documentedBody === undefined) return { schema, url };
      const { documentedBody, ...rest } = schema;
      return { schema: { ...rest, body: documentedBody }, url };
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  // The docs describe the API; they hold no data, so they are public. Added before the UI registers its routes.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = Object.assign(route.config ?? {}, { public: true });
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
});
