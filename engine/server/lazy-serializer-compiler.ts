/**
 * Response serializers compiled on first use. Fastify builds a fast-json-stringify
 * serializer for every status of every route's response schema when the server
 * gets ready — a good part of server start, for routes most runs never call.
 * This factory is fastify's own default (`@fastify/fast-json-stringify-compiler`,
 * loaded from fastify's dependencies so it is the version fastify uses), with
 * each serializer built by the first response that needs it. Output is the same.
 */
import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;

const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const { SerializerSelector } = requireFromFastify('@fastify/fast-json-stringify-compiler') as { SerializerSelector: () => SerializerFactory };

/** For `Fastify({ schemaController: { compilersFactory: { buildSerializer } } })`. */
export const buildLazySerializer: SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined;
    return (doc) => (serialize ??= compile(route))(doc);
  };
};
