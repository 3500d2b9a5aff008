/**
 * Phone-number routing: which flow answers a number, with an optional
 * greeting and context handed to every call on it. One route per number (the
 * number, normalised to E.164, is the `_id`).
 */
import { ParleyError, isParleyError } from '../errors/parley-error.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Collection, Doc, DocumentStore, Page } from './document-store.js';

/** A routed number. */
export interface NumberRoute {
  /** E.164, e.g. `+15125550199`. */
  number: string;
  /** The flow that answers it. */
  flowId: string;
  /** Said first on calls to this number, when set. */
  greeting?: string;
  /** Merged into the call context of every call to this number. */
  context?: Record<string, unknown>;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

/** A new route. */
export interface NewNumberRoute {
  /** E.164; spaces, dashes, dots and parentheses are removed first (`+1 (512) 555-0199`). */
  number: string;
  flowId: string;
  greeting?: string;
  context?: Record<string, unknown>;
}

/** Changes to a route; `null` removes the greeting or the context. */
export interface NumberRoutePatch {
  flowId?: string;
  greeting?: string | null;
  context?: Record<string, unknown> | null;
}

/** Number routes. */
export interface NumberRepository {
  /** `NUMBER_INVALID`, `NUMBER_TAKEN`. */
  create(route: NewNumberRoute): Promise<NumberRoute>;
  /** The route, or null (the inbound-call path). `NUMBER_INVALID`. */
  find(number: string): Promise<NumberRoute | null>;
  /** `NUMBER_NOT_FOUND`, `NUMBER_INVALID`. */
  get(number: string): Promise<NumberRoute>;
  /** By number, a page at a time; optionally only one flow's numbers. */
  list(filter?: { flowId?: string }, options?: { limit?: number; after?: string }): Promise<Page<NumberRoute>>;
  /** `NUMBER_NOT_FOUND`, `NUMBER_INVALID`. */
  update(number: string, patch: NumberRoutePatch): Promise<NumberRoute>;
  /** `NUMBER_NOT_FOUND`, `NUMBER_INVALID`. */
  delete(number: string): Promise<void>;
}

interface NumberDoc extends Doc {
  flowId: string;
  greeting?: string;
  /** JSON text: context keys are the flow designer's, and MongoDB restricts some key names inside update values. */
  contextJson?: string;
  createdAt: string;
  updatedAt: string;
}

/** Collection the repository owns. */
export const NUMBER_COLLECTION = 'numbers';

const E164 = /^\+[1-9]\d{1,14}$/;

/** The number in E.164 after removing spaces, dashes, dots and parentheses; `NUMBER_INVALID` otherwise. */
export function normalizePhoneNumber(input: unknown): string {
  const number = typeof input === 'string' ? input.replace(/[\s().-]/g, '') : '';
  if (!E164.test(number)) {
    throw new ParleyError('NUMBER_INVALID', `${JSON.stringify(input)} is not an E.164 phone number; write it as + then country code and number, e.g. +15125550199.`, {
      details: { number: typeof input === 'string' ? input : String(input) },
    });
  }
  return number;
}

/** Opens the number repository on a store. */
export async function createNumberRepository(store: DocumentStore, options: { clock?: Clock } = {}): Promise<NumberRepository> {
  const numbers = store.collection<NumberDoc>(NUMBER_COLLECTION);
  await numbers.createIndex({ fields: ['flowId'] });
  return new StoreNumberRepository(numbers, options.clock ?? systemClock);
}

function toRoute(doc: NumberDoc): NumberRoute {
  return {
    number: doc._id,
    flowId: doc.flowId,
    ...(doc.greeting !== undefined ? { greeting: doc.greeting } : {}),
    ...(doc.contextJson !== undefined ? { context: JSON.parse(doc.contextJson) as Record<string, unknown> } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function checkFlowId(flowId: unknown): string {
  if (typeof flowId !== 'string' || flowId.length === 0) throw new ParleyError('STORE_BAD_DOCUMENT', 'A number route needs the id of the flow that answers it.');
  return flowId;
}

function checkContext(context: unknown): Record<string, unknown> {
  if (context === null || typeof context !== 'object' || Array.isArray(context)) throw new ParleyError('STORE_BAD_DOCUMENT', 'A number route\'s context must be an object.');
  return context as Record<string, unknown>;
}

const notFound = (number: string) => new ParleyError('NUMBER_NOT_FOUND', `No route exists for ${number}.`, { details: { number } });

class StoreNumberRepository implements NumberRepository {
  constructor(
    private readonly numbers: Collection<NumberDoc>,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async create(route: NewNumberRoute): Promise<NumberRoute> {
    const number = normalizePhoneNumber(route.number);
    const now = this.now();
    try {
      const doc = await this.numbers.insertOne({
        _id: number,
        flowId: checkFlowId(route.flowId),
        ...(route.greeting !== undefined ? { greeting: route.greeting } : {}),
        ...(route.context !== undefined ? { contextJson: JSON.stringify(checkContext(route.context)) } : {}),
        createdAt: now,
        updatedAt: now,
      });
      return toRoute(doc);
    } catch (error) {
      if (isParleyError(error) && error.code === 'STORE_DUPLICATE_KEY') {
        throw new ParleyError('NUMBER_TAKEN', `${number} is already routed to a flow.`, { details: { number }, cause: error });
      }
      throw error;
    }
  }

  async find(number: string): Promise<NumberRoute | null> {
    const doc = await this.numbers.findOne({ _id: normalizePhoneNumber(number) });
    return doc ? toRoute(doc) : null;
  }

  async get(number: string): Promise<NumberRoute> {
    const route = await this.find(number);
    if (!route) throw notFound(normalizePhoneNumber(number));
    return route;
  }

  async list(filter: { flowId?: string } = {}, options: { limit?: number; after?: string } = {}): Promise<Page<NumberRoute>> {
    const page = await this.numbers.find(filter.flowId !== undefined ? { flowId: filter.flowId } : {}, { sort: { _id: 1 }, ...options });
    return { items: page.items.map(toRoute), ...(page.next ? { next: page.next } : {}) };
  }

  async update(number: string, patch: NumberRoutePatch): Promise<NumberRoute> {
    const id = normalizePhoneNumber(number);
    const set: Record<string, unknown> = { updatedAt: this.now() };
    const unset: Record<string, 1> = {};
    if (patch.flowId !== undefined) set.flowId = checkFlowId(patch.flowId);
    if (patch.greeting === null) unset.greeting = 1;
    else if (patch.greeting !== undefined) set.greeting = patch.greeting;
    if (patch.context === null) unset.contextJson = 1;
    else if (patch.context !== undefined) set.contextJson = JSON.stringify(checkContext(patch.context));
    const doc = await this.numbers.findOneAndUpdate({ _id: id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) });
    if (!doc) throw notFound(id);
    return toRoute(doc);
  }

  async delete(number: string): Promise<void> {
    const id = normalizePhoneNumber(number);
    if ((await this.numbers.deleteOne({ _id: id })) === 0) throw notFound(id);
  }
}
