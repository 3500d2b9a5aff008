/**
 * The fake realtime server's conversation: the ordered items a session holds
 * (messages, function calls and their outputs), with the API's rules for
 * adding one (`conversation.item.create`), placing it (`previous_item_id`) and
 * what a stored item looks like.
 */
import { type ApiError, type Rule, isObject, v } from './api-validation.js';

/** An item as the server holds and reports it (`object: 'realtime.item'`, with an id and a status). */
export interface StoredItem {
  id: string;
  object: 'realtime.item';
  type: string;
  status: 'completed' | 'incomplete' | 'in_progress';
  [field: string]: unknown;
}

const meta = { id: v.string(), object: v.oneOf(['realtime.item']), status: v.oneOf(['completed', 'incomplete', 'in_progress']) };
const text = v.string();

/** Items a client may create (GA `RealtimeConversationItem`, function calls and messages). */
const ITEM_RULE: Rule = v.byType({
  message: (value, path) => {
    const role = isObject(value) ? value.role : undefined;
    const content =
      role === 'assistant'
        ? v.array(v.object({ type: v.oneOf(['output_text', 'output_audio']), text, audio: v.string(), transcript: v.string() }, ['text']))
        : role === 'system'
          ? v.array(v.object({ type: v.oneOf(['input_text']), text }, ['text']))
          : v.array(
              v.byType({
                input_text: v.object({ type: text, text }, ['text']),
                input_audio: v.object({ type: text, audio: v.string(), transcript: v.string() }),
                input_image: v.object({ type: text, image_url: v.string(), detail: v.oneOf(['auto', 'low', 'high']) }, ['image_url']),
              }),
            );
    return v.object({ ...meta, type: text, role: v.oneOf(['system', 'user', 'assistant']), content }, ['role', 'content'])(value, path);
  },
  function_call: v.object({ ...meta, type: text, name: v.string(), arguments: v.string(), call_id: v.string() }, ['name', 'arguments']),
  function_call_output: v.object({ ...meta, type: text, call_id: v.string(), output: v.string() }, ['call_id', 'output']),
});

/** Why the API would refuse to create this item, or undefined. */
export function checkNewItem(item: unknown): ApiError | undefined {
  return ITEM_RULE(item, 'item');
}

/** The ordered items of one session. */
export class Conversation {
  readonly items: StoredItem[] = [];

  get(id: string): StoredItem | undefined {
    return this.items.find((item) => item.id === id);
  }

  /** Id of the last item, or null when the conversation is empty. */
  lastId(): string | null {
    return this.items.at(-1)?.id ?? null;
  }

  /**
   * Adds an item at the end, or right after `previousItemId` (`'root'`: first).
   * Returns the id of the item before it, or undefined if `previousItemId` is unknown.
   */
  add(item: StoredItem, previousItemId?: string | null): { previousItemId: string | null } | undefined {
    if (previousItemId === undefined || previousItemId === null) {
      const previous = this.lastId();
      this.items.push(item);
      return { previousItemId: previous };
    }
    if (previousItemId === 'root') {
      this.items.unshift(item);
      return { previousItemId: null };
    }
    const at = this.items.findIndex((i) => i.id === previousItemId);
    if (at < 0) return undefined;
    this.items.splice(at + 1, 0, item);
    return { previousItemId };
  }

  remove(id: string): boolean {
    const at = this.items.findIndex((item) => item.id === id);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** Call ids of function calls with no `function_call_output` yet. */
  callsWithoutOutput(): string[] {
    const answered = new Set(this.items.filter((i) => i.type === 'function_call_output').map((i) => i.call_id));
    return this.items.filter((i) => i.type === 'function_call' && !answered.has(i.call_id)).map((i) => String(i.call_id));
  }

  /** Whether `callId` names a function call in the conversation. */
  hasCall(callId: string): boolean {
    return this.items.some((i) => i.type === 'function_call' && i.call_id === callId);
  }

  /** Transcript (or text) of the latest user message. */
  lastUserText(): string | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i]!;
      if (item.type !== 'message' || item.role !== 'user') continue;
      const parts = (item.content as Array<Record<string, unknown>> | undefined) ?? [];
      return parts.map((p) => (typeof p.transcript === 'string' ? p.transcript : typeof p.text === 'string' ? p.text : '')).join(' ');
    }
    return undefined;
  }
}
