/**
 * `POST /api/calls`: place an outbound call with a published flow (admin, API
 * key). The call is recorded `queued` and handed to Twilio; when the callee
 * answers, Twilio fetches `/twilio/voice?callId=…` and the call runs like any
 * other. Errors: `RUNTIME_FLOW_NOT_PUBLISHED`, `RUNTIME_CALL_START_FAILED` (the
 * context does not fit the flow), `TWILIO_NOT_CONFIGURED`,
 * `TWILIO_REQUEST_FAILED`, `NUMBER_INVALID`.
 */
import type { FastifyInstance } from 'fastify';
import type { CallManager, OutboundCallInput } from '../../runtime/call-manager.js';

/** The outbound-call plugin (`POST /api/calls`). */
export async function outboundCallRoutes(app: FastifyInstance, options: { manager: CallManager }): Promise<void> {
  app.post(
    '/api/calls',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        summary: 'Place an outbound call',
        tags: ['calls'],
        body: { $ref: 'parley-api#/$defs/OutboundCallRequest' },
        response: { 201: { $ref: 'parley-api#/$defs/OutboundCall' } },
      },
    },
    async (request, reply) => {
      const call = await options.manager.placeOutbound(request.body as OutboundCallInput);
      return reply.code(201).send(call);
    },
  );
}
