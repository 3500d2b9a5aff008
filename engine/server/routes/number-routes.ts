/**
 * `/api/numbers`: which flow answers each phone number, with a per-number
 * greeting and context. Numbers are E.164 (the repository normalises
 * `+1 (512) 555-0199` and refuses anything else with `NUMBER_INVALID`); a route
 * must name a flow that exists (`FLOW_NOT_FOUND` otherwise), so an inbound
 * call never lands on a flow id nobody can open.
 */
import type { FastifyInstance } from 'fastify';
import type { FlowRepository } from '../../store/flow-repository.js';
import type { NewNumberRoute, NumberRepository, NumberRoutePatch } from '../../store/number-repository.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';

/** What the number routes use. */
export interface NumberRoutesOptions {
  numbers: NumberRepository;
  flows: FlowRepository;
}

interface NumberParams {
  number: string;
}

export async function numberRoutes(app: FastifyInstance, options: NumberRoutesOptions): Promise<void> {
  const { numbers, flows } = options;
  const tags = ['numbers'];

  app.get<{ Querystring: { flowId?: string; limit: number; after?: string } }>(
    '/',
    {
      schema: {
        summary: 'List number routes',
        description: 'Routes by number, a page at a time; optionally only those of one flow.',
        tags,
        querystring: ref('NumberListQuery'),
        response: { 200: ref('NumberRouteList'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { flowId, limit, after } = request.query;
      return numbers.list(flowId !== undefined ? { flowId } : {}, { limit, ...(after !== undefined ? { after } : {}) });
    },
  );

  app.post<{ Body: NewNumberRoute }>(
    '/',
    {
      schema: {
        summary: 'Route a number to a flow',
        description: 'Creates the route. `NUMBER_TAKEN` (409) when the number is already routed, `FLOW_NOT_FOUND` (404) when the flow does not exist, `NUMBER_INVALID` (422) when the number is not E.164.',
        tags,
        body: ref('NewNumberRoute'),
        response: { 201: ref('NumberRoute'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await flows.get(request.body.flowId);
      return reply.code(201).send(await numbers.create(request.body));
    },
  );

  app.get<{ Params: NumberParams }>(
    '/:number',
    {
      schema: {
        summary: 'Get a number route',
        tags,
        params: ref('NumberParams'),
        response: { 200: ref('NumberRoute'), ...ERROR_RESPONSES },
      },
    },
    async (request) => numbers.get(request.params.number),
  );

  app.patch<{ Params: NumberParams; Body: NumberRoutePatch }>(
    '/:number',
    {
      schema: {
        summary: 'Change a number route',
        description: 'Changes the flow, the greeting or the context; `null` removes the greeting or the context.',
        tags,
        params: ref('NumberParams'),
        body: ref('NumberRoutePatch'),
        response: { 200: ref('NumberRoute'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      // Check the number first, so an unknown number is reported as such even with an unknown flow.
      await numbers.get(request.params.number);
      if (request.body.flowId !== undefined) await flows.get(request.body.flowId);
      return numbers.update(request.params.number, request.body);
    },
  );

  app.delete<{ Params: NumberParams }>(
    '/:number',
    {
      schema: {
        summary: 'Remove a number route',
        description: 'Calls to the number are no longer answered by a flow.',
        tags,
        params: ref('NumberParams'),
        response: { 204: { description: 'Removed.', type: 'null' }, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await numbers.delete(request.params.number);
      return reply.code(204).send();
    },
  );
}
