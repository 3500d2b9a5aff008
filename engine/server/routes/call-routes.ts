/**
 * `/api/calls`: the call records — lists with filters and cursor pages, one
 * call with its events, further pages of events, and operator notes. Placing
 * an outbound call (`POST /api/calls`) belongs to the runtime's routes, and
 * live events to `call-live-routes.ts`.
 */
import type { FastifyInstance } from 'fastify';
import { ParleyError } from '../../errors/parley-error.js';
import type { CallListFilter, CallRepository, CallStatus } from '../../store/call-repository.js';
import type { ScalarValue } from '../../store/parse-query.js';
import type { CallDirection } from '../../interpreter/call-types.js';
import { ERROR_RESPONSES, ref } from '../api-schema.js';

/** What the call routes use. */
export interface CallRoutesOptions {
  calls: CallRepository;
}

type CallListQuery = {
  flowId?: string;
  status?: CallStatus[];
  direction?: CallDirection;
  since?: string;
  until?: string;
  limit: number;
  after?: string;
} & Record<`outcome.${string}`, string>;

interface CallParams {
  id: string;
}

interface EventsQuery {
  after: number;
  limit: number;
}

const OUTCOME_PREFIX = 'outcome.';

/**
 * An outcome filter value as the caller meant it: query strings are text, but
 * outcome fields are typed and the store compares by type, so `true`, `42` and
 * `null` mean the JSON values and `"42"` (quoted) the text; anything that is
 * not a JSON scalar is text as written.
 */
export function parseOutcomeValue(raw: string): ScalarValue {
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  } catch {
    // Not JSON: plain text.
  }
  return raw;
}

/** An ISO 8601 date or instant from the query (its form already checked by the schema) that is also a real date. */
function instant(raw: string, name: string): string {
  const time = Date.parse(raw);
  if (Number.isNaN(time)) {
    throw new ParleyError('API_BAD_REQUEST', `${name} is not a real date or time: ${JSON.stringify(raw)}; write e.g. 2026-01-05 or 2026-01-05T15:00:00Z.`, {
      details: { errors: [{ field: `querystring/${name}`, rule: 'date', message: 'is not a real date or time' }] },
    });
  }
  return new Date(time).toISOString();
}

/** The repository filter a list query asks for. */
export function callListFilter(query: CallListQuery): CallListFilter {
  const filter: CallListFilter = {};
  if (query.flowId !== undefined) filter.flowId = query.flowId;
  if (query.status !== undefined) filter.status = query.status;
  if (query.direction !== undefined) filter.direction = query.direction;
  if (query.since !== undefined) filter.since = instant(query.since, 'since');
  if (query.until !== undefined) filter.until = instant(query.until, 'until');
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith(OUTCOME_PREFIX)) continue;
    (filter.outcome ??= {})[key.slice(OUTCOME_PREFIX.length)] = parseOutcomeValue(value as string);
  }
  return filter;
}

export async function callRoutes(app: FastifyInstance, options: CallRoutesOptions): Promise<void> {
  const { calls } = options;
  const tags = ['calls'];

  app.get<{ Querystring: CallListQuery }>(
    '/',
    {
      schema: {
        summary: 'List calls',
        description:
          'Newest first, a page at a time, filtered by flow, status, direction, creation date and outcome fields (`outcome.booked=true`).',
        tags,
        querystring: ref('CallListQuery'),
        response: { 200: ref('CallList'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit, after } = request.query;
      return calls.list(callListFilter(request.query), { limit, ...(after !== undefined ? { after } : {}) });
    },
  );

  app.get<{ Params: CallParams; Querystring: EventsQuery }>(
    '/:id',
    {
      schema: {
        summary: 'Get a call with its events',
        description: 'The call record and the first page of its events (`after`, `limit` page further; or use `/events`).',
        tags,
        params: ref('CallParams'),
        querystring: ref('CallEventsQuery'),
        response: { 200: ref('CallDetail'), ...ERROR_RESPONSES },
      },
    },
    async (request) => calls.getDetail(request.params.id, { afterSeq: request.query.after, limit: request.query.limit }),
  );

  app.get<{ Params: CallParams; Querystring: EventsQuery }>(
    '/:id/events',
    {
      schema: {
        summary: "A page of a call's events",
        description: 'Events in order after `after` (a `seq`); pass the page\'s `next` as `after` for the following page.',
        tags,
        params: ref('CallParams'),
        querystring: ref('CallEventsQuery'),
        response: { 200: ref('CallEventPage'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      await calls.get(request.params.id);
      return calls.listEvents(request.params.id, { afterSeq: request.query.after, limit: request.query.limit });
    },
  );

  app.post<{ Params: CallParams; Body: { text: string; author?: string } }>(
    '/:id/notes',
    {
      schema: {
        summary: "Add a note to a call's timeline",
        description: 'Appends a `note` event (during the call or after it). Answers once the event is stored, with its `seq`.',
        tags,
        params: ref('CallParams'),
        body: ref('NewNote'),
        response: { 201: ref('CallEvent'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { text, author } = request.body;
      const event = await calls.appendEvent(request.params.id, { kind: 'note', data: { text, source: 'api', ...(author !== undefined ? { author } : {}) } });
      return reply.code(201).send(event);
    },
  );
}
