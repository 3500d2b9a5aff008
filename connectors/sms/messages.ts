/**
 * The SMS connector's records, for its handlers and for the server's Twilio
 * webhooks (pass `host.storageFor('sms')`):
 *
 * - `updateDeliveryStatus` / `handleStatusCallback`: Twilio's message status
 *   callbacks. Callbacks can arrive out of order; a status never moves
 *   backwards (a late `sent` does not undo `delivered`).
 * - `recordInboundMessage`: inbound texts. STOP (and Twilio's other opt-out
 *   words) puts the number on the opt-out list; START takes it off. The
 *   connector refuses to text numbers on the list.
 */
import type { Collection } from '../../engine/store/document-store.js';
import type { ConnectorStorage } from '../../engine/store/namespaced-store.js';
import { normalizePhoneNumber } from '../../engine/util/phone-number.js';

/** A sent message as stored (`_id` is the Twilio SID). */
export interface MessageDoc {
  _id: string;
  to: string;
  from: string;
  body: string;
  status: string;
  statusRank: number;
  errorCode?: number;
  template?: string;
  callId?: string;
  flowId?: string;
  createdAt: string;
  updatedAt: string;
  history: Array<{ status: string; at: string; errorCode?: number }>;
  [field: string]: unknown;
}

/** An entry of the opt-out list (`_id` is the E.164 number). */
export interface OptOutDoc {
  _id: string;
  status: 'opted-out' | 'opted-in';
  keyword: string;
  updatedAt: string;
  [field: string]: unknown;
}

/** Order of Twilio message statuses; a callback only moves a message forward. Final states share the top rank but `read`. */
export const STATUS_RANK: Readonly<Record<string, number>> = {
  scheduled: 0,
  accepted: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  read: 5,
};

/** Twilio's default opt-out and opt-in keywords (a message that is only the keyword). */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE'];
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP', 'OPTIN'];
export const HELP_KEYWORDS = ['HELP', 'INFO'];

export function messagesCollection(storage: ConnectorStorage): Collection<MessageDoc> {
  return storage.collection<MessageDoc>('messages');
}

export function optOutsCollection(storage: ConnectorStorage): Collection<OptOutDoc> {
  return storage.collection<OptOutDoc>('optouts');
}

/** Whether `phone` (E.164) replied STOP and has not replied START since. */
export async function isOptedOut(storage: ConnectorStorage, phone: string): Promise<boolean> {
  return (await optOutsCollection(storage).findOne({ _id: phone }))?.status === 'opted-out';
}

/** Puts a number on (or takes it off) the opt-out list. */
export async function setOptOut(storage: ConnectorStorage, phone: string, status: OptOutDoc['status'], keyword: string, now = new Date()): Promise<void> {
  await optOutsCollection(storage).updateOne({ _id: phone }, { $set: { status, keyword, updatedAt: now.toISOString() } }, { upsert: true });
}

/** What an inbound message did. */
export interface InboundResult {
  action: 'opted-out' | 'opted-in' | 'help' | 'none';
  /** The sender, E.164 (undefined when it is not a phone number). */
  phone?: string;
}

/** Handles an inbound text: STOP-type keywords opt the sender out, START-type keywords opt them back in. */
export async function recordInboundMessage(storage: ConnectorStorage, message: { from: string; body: string; defaultCountry?: string; now?: Date }): Promise<InboundResult> {
  const parsed = normalizePhoneNumber(message.from, message.defaultCountry ?? 'US');
  if (!parsed.ok) return { action: 'none' };
  const word = message.body.trim().replace(/[.!?\s]+$/, '').toUpperCase();
  if (OPT_OUT_KEYWORDS.includes(word)) {
    await setOptOut(storage, parsed.e164, 'opted-out', word, message.now);
    return { action: 'opted-out', phone: parsed.e164 };
  }
  if (OPT_IN_KEYWORDS.includes(word)) {
    await setOptOut(storage, parsed.e164, 'opted-in', word, message.now);
    return { action: 'opted-in', phone: parsed.e164 };
  }
  return { action: HELP_KEYWORDS.includes(word) ? 'help' : 'none', phone: parsed.e164 };
}

/** What a status callback did: `found` false for a SID Parley did not send; `updated` false for a stale status. */
export interface StatusUpdate {
  found: boolean;
  updated: boolean;
  status?: string;
}

/**
 * Records a delivery status from Twilio (`MessageSid`, `MessageStatus`,
 * `ErrorCode`). The update is one conditional write — only if the new status
 * ranks above the stored one — so racing, repeated or late callbacks are safe.
 */
export async function updateDeliveryStatus(storage: ConnectorStorage, sid: string, status: string, options: { errorCode?: number; now?: Date } = {}): Promise<StatusUpdate> {
  const rank = STATUS_RANK[status];
  const col = messagesCollection(storage);
  if (rank === undefined) {
    const doc = await col.findOne({ _id: sid });
    return { found: Boolean(doc), updated: false, ...(doc ? { status: doc.status } : {}) };
  }
  const at = (options.now ?? new Date()).toISOString();
  const errorCode = options.errorCode;
  const updated = await col.findOneAndUpdate(
    { _id: sid, statusRank: { $lt: rank } },
    { $set: { status, statusRank: rank, updatedAt: at, ...(errorCode !== undefined ? { errorCode } : {}) }, $push: { history: { status, at, ...(errorCode !== undefined ? { errorCode } : {}) } } },
  );
  if (updated) return { found: true, updated: true, status };
  const doc = await col.findOne({ _id: sid });
  return { found: Boolean(doc), updated: false, ...(doc ? { status: doc.status } : {}) };
}

/** `updateDeliveryStatus` from a status-callback form body as Twilio posts it. */
export function handleStatusCallback(storage: ConnectorStorage, form: Readonly<Record<string, string | undefined>>, now?: Date): Promise<StatusUpdate> {
  const code = form.ErrorCode ? Number(form.ErrorCode) : undefined;
  return updateDeliveryStatus(storage, form.MessageSid ?? form.SmsSid ?? '', form.MessageStatus ?? form.SmsStatus ?? '', {
    ...(code !== undefined && Number.isFinite(code) ? { errorCode: code } : {}),
    ...(now ? { now } : {}),
  });
}
