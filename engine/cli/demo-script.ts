/**
 * What the model and the caller do in `parley demo`: a parent agrees to
 * schedule, asks for mornings, takes the first time offered and hangs up
 * happy. The model's side follows the dental-outreach flow's intents and tools
 * (`go_scheduling`, `check_availability`, `book_appointment`, `go_closing`);
 * the slots it offers and books are the ones the calendar connector returned.
 */
import { agent, caller, createConversationScript, type ConversationScript, type ResponderContext } from '../testing/conversation-script.js';

/** The last tool result in the conversation, as the model received it. */
function lastToolResult(ctx: ResponderContext): { result?: { slots?: Array<{ start: string; label: string }> } } {
  const outputs = ctx.conversation.filter((item) => item.type === 'function_call_output');
  try {
    return JSON.parse(String(outputs.at(-1)?.output ?? '{}')) as { result?: { slots?: Array<{ start: string; label: string }> } };
  } catch {
    return {};
  }
}

/** The demo call, step by step. */
export function dentalOutreachDemoScript(): ConversationScript {
  return createConversationScript([
    agent.says('Hi, this is Sophia from Jefferson Dental. Tony and Paula are due for a checkup that Medicaid covers at no cost. Would you like to schedule it?'),
    caller.says('Yes, this is Maria, their mom. Sure, let us do it.'),
    agent.calls('go_scheduling', { parentName: 'Maria' }),
    agent.says('Great, Maria. Do mornings or afternoons work better for you?'),
    caller.says('Mornings, please.'),
    agent.calls('check_availability', { partOfDay: 'morning' }),
    agent.responds((ctx) => {
      const slots = lastToolResult(ctx).result?.slots ?? [];
      if (slots.length === 0) return { say: 'I am sorry, I could not find a morning opening.' };
      return { say: `I have ${slots.map((slot) => slot.label).join(', or ')}. Which one works for you?` };
    }, 'agent offers the open times'),
    caller.says('The first one, please.'),
    agent.responds((ctx) => {
      const first = lastToolResult(ctx).result?.slots?.[0];
      return { calls: [{ name: 'book_appointment', arguments: { start: first?.start ?? 'none' } }] };
    }, 'agent books the first time'),
    agent.says('You are all set, and a confirmation text is on its way. Is there anything else I can help with?'),
    caller.says('No, that is all. Thank you!'),
    agent.calls('go_closing'),
    agent.says('Thank you for your time. Goodbye!'),
  ]);
}
