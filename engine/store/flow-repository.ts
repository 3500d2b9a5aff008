/**
 * Flows as the editor and the engine keep them: one editable draft per flow,
 * and immutable published versions numbered 1, 2, … that calls pin.
 *
 * - Publishing inserts version n+1 under the `_id` `<flowId>@<n>`; two
 *   publishers racing for the same n collide on that `_id` and the loser
 *   retries with the next number, so numbers are never shared, skipped or
 *   reused (on either adapter, across processes).
 * - The flow's `currentVersion` pointer only moves forward (`$lt` guard), so a
 *   slow publisher can never move it back. It is set after the version is
 *   written: a crash in between leaves it one publish behind until the next.
 * - Rollback publishes an older version's document again as a new version.
 * - Deleting a flow removes its draft and list entry; its versions stay, so
 *   calls that ran on them keep their history and a flow created again under
 *   the same id continues the numbering.
 * - Documents are stored as JSON text: flows may hold `$schema`/`$ref` keys,
 *   which MongoDB refuses inside update values, and they are read whole.
 * - A draft saved from YAML keeps that text too (comments and all), and a
 *   version published from it keeps it with its document; `yamlOf()` in
 *   `flow/flow-yaml.ts` decides whether it still describes the document.
 */
import { ParleyError, isParleyError } from '../errors/parley-error.js';
import type { Flow } from '../types/flow.generated.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Collection, Doc, DocumentStore, Page } from './document-store.js';

/** A flow with its draft: what the editor opens. */
export interface FlowRecord {
  /** The flow id, e.g. `dental-outreach` (equal to `draft.id`). */
  id: string;
  /** The draft's `name`, for lists. */
  name: string;
  /** The editable document. */
  draft: Flow;
  /** The YAML text the draft was last saved from, comments included; absent when it was saved as JSON. Not part of API answers. */
  draftYaml?: string;
  /** Counts draft saves; pass it back as `expectedRevision` to detect concurrent edits. */
  revision: number;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601 of the last draft save. */
  updatedAt: string;
  /** Who saved the draft last, when known. */
  updatedBy?: string;
  /** The published version new calls use; null before the first publish. */
  currentVersion: number | null;
  /** ISO 8601 of the last publish. */
  publishedAt?: string;
}

/** A flow in a list: the record without its draft. */
export type FlowSummary = Omit<FlowRecord, 'draft' | 'draftYaml'>;

/** An immutable published version of a flow. */
export interface FlowVersion {
  flowId: string;
  /** 1, 2, … per flow. */
  version: number;
  document: Flow;
  /** The YAML text of the document as its draft was saved, comments included, when it was saved as YAML. Not part of API answers. */
  documentYaml?: string;
  /** What changed, as the publisher wrote it. */
  notes?: string;
  author?: string;
  /** ISO 8601. */
  publishedAt: string;
  /** Set when this version re-published an older one's document. */
  rollbackOf?: number;
}

/** A version in a list: without its document. */
export type FlowVersionSummary = Omit<FlowVersion, 'document' | 'documentYaml'>;

/** Who did something, and why, for the record. */
export interface PublishOptions {
  notes?: string;
  author?: string;
}

/** Flow storage: drafts, publishing, versions, rollback. */
export interface FlowRepository {
  /** Creates a flow whose draft is `document` (read from the YAML text `yaml`, if it was); `FLOW_EXISTS` when the id is taken. */
  create(document: Flow, options?: { author?: string; yaml?: string }): Promise<FlowRecord>;
  /** The flow and its draft; `FLOW_NOT_FOUND`. */
  get(id: string): Promise<FlowRecord>;
  /** Flows by id, a page at a time. */
  list(options?: { limit?: number; after?: string }): Promise<Page<FlowSummary>>;
  /**
   * Replaces the draft (and its YAML text: `yaml`, or none). With `expectedRevision`, fails with `FLOW_DRAFT_CONFLICT`
   * when someone saved since that revision. `FLOW_ID_MISMATCH` when `document.id` differs.
   */
  saveDraft(id: string, document: Flow, options?: { expectedRevision?: number; author?: string; yaml?: string }): Promise<FlowRecord>;
  /** Removes the flow's draft and list entry (its versions stay, for call history); `FLOW_NOT_FOUND`. */
  delete(id: string): Promise<void>;
  /** Publishes the draft with its YAML text (or `document`, with `yaml`) as the next version and makes it current. */
  publish(id: string, options?: PublishOptions & { document?: Flow; yaml?: string }): Promise<FlowVersion>;
  /** Versions, newest first. */
  listVersions(id: string, options?: { limit?: number; after?: string }): Promise<Page<FlowVersionSummary>>;
  /** One version; `FLOW_VERSION_NOT_FOUND`. Works for deleted flows too (call history). */
  getVersion(id: string, version: number): Promise<FlowVersion>;
  /** The current published version, or null before the first publish; `FLOW_NOT_FOUND`. */
  getCurrent(id: string): Promise<FlowVersion | null>;
  /** Publishes version `version`'s document again as a new version. */
  rollback(id: string, version: number, options?: PublishOptions): Promise<FlowVersion>;
}

interface FlowDoc extends Doc {
  name: string;
  draftJson: string;
  draftYaml?: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  updatedBy?: string;
  /** 0 before the first publish. */
  currentVersion: number;
  publishedAt?: string;
}

interface VersionDoc extends Doc {
  flowId: string;
  version: number;
  documentJson: string;
  documentYaml?: string;
  notes?: string;
  author?: string;
  publishedAt: string;
  rollbackOf?: number;
}

/** Collections the repository owns. */
export const FLOW_COLLECTIONS = { flows: 'flows', versions: 'flow_versions' } as const;

/** Flow ids, as `schemas/flow.schema.json` defines them. */
const FLOW_ID = /^[a-z][a-z0-9-]{0,62}$/;

/** How many times a publisher retries after losing a version number to another. */
const MAX_PUBLISH_ATTEMPTS = 100;

/** Opens the flow repository on a store, creating its indexes. */
export async function createFlowRepository(store: DocumentStore, options: { clock?: Clock } = {}): Promise<FlowRepository> {
  const flows = store.collection<FlowDoc>(FLOW_COLLECTIONS.flows);
  const versions = store.collection<VersionDoc>(FLOW_COLLECTIONS.versions);
  // Uniqueness of (flowId, version) comes from the `_id`; a plain index serves
  // "versions of a flow, newest first" (a unique index would be partial on
  // MongoDB, which its planner cannot use for that query).
  await versions.createIndex({ fields: ['flowId', 'version'] });
  return new StoreFlowRepository(flows, versions, options.clock ?? systemClock);
}

const versionId = (flowId: string, version: number) => `${flowId}@${version}`;

function toRecord(doc: FlowDoc): FlowRecord {
  return { ...toSummary(doc), draft: JSON.parse(doc.draftJson) as Flow, ...(doc.draftYaml !== undefined ? { draftYaml: doc.draftYaml } : {}) };
}

function toSummary(doc: FlowDoc): FlowSummary {
  return {
    id: doc._id,
    name: doc.name,
    revision: doc.revision,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    ...(doc.updatedBy !== undefined ? { updatedBy: doc.updatedBy } : {}),
    currentVersion: doc.currentVersion > 0 ? doc.currentVersion : null,
    ...(doc.publishedAt !== undefined ? { publishedAt: doc.publishedAt } : {}),
  };
}

function toVersionSummary(doc: VersionDoc): FlowVersionSummary {
  return {
    flowId: doc.flowId,
    version: doc.version,
    ...(doc.notes !== undefined ? { notes: doc.notes } : {}),
    ...(doc.author !== undefined ? { author: doc.author } : {}),
    publishedAt: doc.publishedAt,
    ...(doc.rollbackOf !== undefined ? { rollbackOf: doc.rollbackOf } : {}),
  };
}

function toVersion(doc: VersionDoc): FlowVersion {
  return { ...toVersionSummary(doc), document: JSON.parse(doc.documentJson) as Flow, ...(doc.documentYaml !== undefined ? { documentYaml: doc.documentYaml } : {}) };
}

const notFound = (id: string) => new ParleyError('FLOW_NOT_FOUND', `No flow has the id "${id}".`, { details: { flowId: id } });

function checkDocumentId(id: string, document: Flow): void {
  if (document?.id !== id) {
    throw new ParleyError('FLOW_ID_MISMATCH', `The document's id "${String(document?.id)}" differs from the flow id "${id}".`, {
      details: { flowId: id, documentId: document?.id },
    });
  }
}

class StoreFlowRepository implements FlowRepository {
  constructor(
    private readonly flows: Collection<FlowDoc>,
    private readonly versions: Collection<VersionDoc>,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async create(document: Flow, options: { author?: string; yaml?: string } = {}): Promise<FlowRecord> {
    if (typeof document?.id !== 'string' || !FLOW_ID.test(document.id)) {
      throw new ParleyError('STORE_BAD_DOCUMENT', `A flow needs an id of lowercase letters, digits and dashes starting with a letter, not ${JSON.stringify(document?.id)}.`);
    }
    const now = this.now();
    try {
      const doc = await this.flows.insertOne({
        _id: document?.id,
        name: document.name,
        draftJson: JSON.stringify(document),
        ...(options.yaml !== undefined ? { draftYaml: options.yaml } : {}),
        revision: 1,
        createdAt: now,
        updatedAt: now,
        ...(options.author !== undefined ? { updatedBy: options.author } : {}),
        currentVersion: 0,
      });
      return toRecord(doc);
    } catch (error) {
      if (isParleyError(error) && error.code === 'STORE_DUPLICATE_KEY') {
        throw new ParleyError('FLOW_EXISTS', `A flow with the id "${document.id}" already exists.`, { details: { flowId: document.id }, cause: error });
      }
      throw error;
    }
  }

  async get(id: string): Promise<FlowRecord> {
    const doc = await this.flows.findOne({ _id: id });
    if (!doc) throw notFound(id);
    return toRecord(doc);
  }

  async list(options: { limit?: number; after?: string } = {}): Promise<Page<FlowSummary>> {
    const page = await this.flows.find({}, { sort: { _id: 1 }, ...options });
    return { items: page.items.map(toSummary), ...(page.next ? { next: page.next } : {}) };
  }

  async saveDraft(id: string, document: Flow, options: { expectedRevision?: number; author?: string; yaml?: string } = {}): Promise<FlowRecord> {
    checkDocumentId(id, document);
    const filter = options.expectedRevision === undefined ? { _id: id } : { _id: id, revision: options.expectedRevision };
    const doc = await this.flows.findOneAndUpdate(filter, {
      $set: {
        name: document.name,
        draftJson: JSON.stringify(document),
        ...(options.yaml !== undefined ? { draftYaml: options.yaml } : {}),
        updatedAt: this.now(),
        ...(options.author !== undefined ? { updatedBy: options.author } : {}),
      },
      // Saved as JSON: the text of an earlier save no longer describes the draft.
      ...(options.yaml === undefined ? { $unset: { draftYaml: '' } } : {}),
      $inc: { revision: 1 },
    });
    if (doc) return toRecord(doc);
    const current = await this.flows.findOne({ _id: id });
    if (!current) throw notFound(id);
    throw new ParleyError('FLOW_DRAFT_CONFLICT', `The draft of "${id}" is at revision ${current.revision}, not ${options.expectedRevision}.`, {
      details: { flowId: id, revision: current.revision, expectedRevision: options.expectedRevision },
    });
  }

  async delete(id: string): Promise<void> {
    if ((await this.flows.deleteOne({ _id: id })) === 0) throw notFound(id);
  }

  async publish(id: string, options: PublishOptions & { document?: Flow; yaml?: string; rollbackOf?: number } = {}): Promise<FlowVersion> {
    const flow = await this.flows.findOne({ _id: id });
    if (!flow) throw notFound(id);
    let documentJson = flow.draftJson;
    let documentYaml = flow.draftYaml;
    if (options.document !== undefined) {
      checkDocumentId(id, options.document);
      documentJson = JSON.stringify(options.document);
      documentYaml = options.yaml;
    }
    const publishedAt = this.now();
    for (let attempt = 0; attempt < MAX_PUBLISH_ATTEMPTS; attempt++) {
      const latest = await this.versions.findOne({ flowId: id }, { sort: { version: -1 } });
      const version = (latest?.version ?? 0) + 1;
      try {
        const doc = await this.versions.insertOne({
          _id: versionId(id, version),
          flowId: id,
          version,
          documentJson,
          ...(documentYaml !== undefined ? { documentYaml } : {}),
          ...(options.notes !== undefined ? { notes: options.notes } : {}),
          ...(options.author !== undefined ? { author: options.author } : {}),
          publishedAt,
          ...(options.rollbackOf !== undefined ? { rollbackOf: options.rollbackOf } : {}),
        });
        // Forward only: a publisher that got an older number never moves the pointer back.
        await this.flows.updateOne({ _id: id, currentVersion: { $lt: version } }, { $set: { currentVersion: version, publishedAt } });
        return toVersion(doc);
      } catch (error) {
        // Another publisher took this number first: take the next one.
        if (isParleyError(error) && error.code === 'STORE_DUPLICATE_KEY') continue;
        throw error;
      }
    }
    throw new ParleyError('STORE_BUSY', `Could not find a free version number for "${id}" after ${MAX_PUBLISH_ATTEMPTS} attempts; too many publishers at once.`);
  }

  async listVersions(id: string, options: { limit?: number; after?: string } = {}): Promise<Page<FlowVersionSummary>> {
    const page = await this.versions.find({ flowId: id }, { sort: { version: -1 }, ...options });
    return { items: page.items.map(toVersionSummary), ...(page.next ? { next: page.next } : {}) };
  }

  async getVersion(id: string, version: number): Promise<FlowVersion> {
    const doc = Number.isInteger(version) && version > 0 ? await this.versions.findOne({ _id: versionId(id, version) }) : null;
    if (!doc) {
      throw new ParleyError('FLOW_VERSION_NOT_FOUND', `Flow "${id}" has no version ${version}.`, { details: { flowId: id, version } });
    }
    return toVersion(doc);
  }

  async getCurrent(id: string): Promise<FlowVersion | null> {
    const flow = await this.flows.findOne({ _id: id });
    if (!flow) throw notFound(id);
    return flow.currentVersion > 0 ? this.getVersion(id, flow.currentVersion) : null;
  }

  async rollback(id: string, version: number, options: PublishOptions = {}): Promise<FlowVersion> {
    const old = await this.getVersion(id, version);
    return this.publish(id, {
      notes: options.notes ?? `Rollback to version ${version}`,
      ...(options.author !== undefined ? { author: options.author } : {}),
      document: old.document,
      ...(old.documentYaml !== undefined ? { yaml: old.documentYaml } : {}),
      rollbackOf: version,
    });
  }
}
