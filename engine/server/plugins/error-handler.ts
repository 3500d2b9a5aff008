/**
 * One error shape for every API failure: `{ error: { code, message, hint, details } }`
 * with a catalogue code (STYLE §10). Fastify's own errors (validation, body
 * parsing, size limits) are translated into catalogue codes here so clients
 * never see two vocabularies. Unexpected errors are logged with the request id
 * and returned without internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ParleyError, isParleyError } from '../../errors/parley-error.js';
import type { ErrorCode } from '../../errors/catalog.js';

export function sendError(reply: FastifyReply, error: ParleyError): FastifyReply {
  return reply.code(error.status).type('application/json').send({ error: error.toJSON() });
}

function translate(error: FastifyError): ParleyError | undefined {
  if (error.validation) {
    const details = error.validation.map((v) => ({
      field: `${error.validationContext ?? 'body'}${v.instancePath || ''}`,
      rule: v.keyword,
      message: v.message ?? 'is invalid',
      ...(v.keyword === 'additionalProperties' ? { property: (v.params as { additionalProperty?: string }).additionalProperty } : {}),
    }));
    const first = details[0]!;
    const what = first.property ? `${first.field} has an unknown property "${first.property}"` : `${first.field} ${first.message}`;
    return new ParleyError('API_BAD_REQUEST', `Invalid request: ${what}`, { details: { errors: details } });
  }
  const byCode: Record<string, ErrorCode> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'API_PAYLOAD_TOO_LARGE',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API_UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'API_INVALID_JSON',
    FST_ERR_CTP_INVALID_JSON_BODY: 'API_INVALID_JSON',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API_BAD_REQUEST',
    FST_ERR_RATE_LIMIT: 'API_RATE_LIMITED',
  };
  const code = error.code ? byCode[error.code] : undefined;
  if (code) return new ParleyError(code, code === 'API_INVALID_JSON' ? `The request body is not valid JSON: ${error.message}` : undefined);
  if (error instanceof SyntaxError && (error as FastifyError).statusCode === 400) return new ParleyError('API_INVALID_JSON', `The request body is not valid JSON: ${error.message}`);
  if (error.statusCode === 429) return new ParleyError('API_RATE_LIMITED');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new ParleyError('API_BAD_REQUEST', error.message);
  return undefined;
}

export const errorHandlerPlugin = fp(async function errorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isParleyError(error)) {
      if (error.kind !== 'user') request.log.error({ code: error.code, err: error }, 'request failed');
      return sendError(reply, error);
    }
    const translated = translate(error);
    if (translated) return sendError(reply, translated);
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, new ParleyError('INTERNAL', `Something went wrong inside Parley (request ${request.id}).`));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, new ParleyError('API_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
});
