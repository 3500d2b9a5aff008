/**
 * `POST /api/calls`: place an outbound call with a published flow (admin, API
 * key). The call is recorded `queued` and handed to Twilio; when the callee
 * answers, Twilio fetches `/twilio/voice?callId=…` and the call runs like any
 * other. Errors: `RUNTIME_FLOW_NOT_PUBLISHED`, `RUNTIME_CALL_START_FAILED` (the
 * context does not fit the flow), `TWILIO_NOT_CONFIGURED`,
 * `TWILIO_REQUEST_FAILED`, `NUMBER_INVALID`, `FLOW_NOT_FOUND`.
 */
import type { FastifyInstance } from 'fastify';
import type { CallManager, OutboundCallInput } from '../../runtime/call-manager.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';

/** The outbound-call plugin (`POST /api/calls`). */
export async function outboundCallRoutes(app: FastifyInstance, options: { manager: CallManager }): Promise<void> {
  app.post<{ Body: OutboundCallInput }>(
    '/api/calls',
    {
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        summary: 'Place an outbound call',
        description: 'Checks the flow (published) and the context (against the flow’s context schema), records the call `queued`, and asks Twilio to dial. Needs Twilio configured (docs/telephony.md).',
        tags: ['calls'],
        body: ref('OutboundCallRequest'),
        response: { 201: ref('OutboundCall'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const call = await options.manager.placeOutbound(request.body);
      return reply.code(201).send(call);
    },
  );
}
