/**
 * What the model and the caller do in `parley demo`, written for the bundled
 * dental-outreach flow (flows/dental-outreach.yaml) and its intents and tools
 * (`parent_confirmed`, `children_confirmed`, `find_times`, `book_visit`,
 * `all_done`): Maria confirms who she is and her two children, asks for a
 * morning, takes the first time offered — the times and the booking are the
 * calendar connector's own — and has nothing else.
 */
import { agent, caller, createConversationScript, type ConversationScript, type ResponderContext } from '../testing/conversation-script.js';

/** A slot as the model receives it from `find_times`. */
interface OfferedSlot {
  start: string;
  label: string;
}

/** The last tool result in the conversation, as the model received it. */
function lastSlots(ctx: ResponderContext): OfferedSlot[] {
  const outputs = ctx.conversation.filter((item) => item.type === 'function_call_output');
  try {
    return (JSON.parse(String(outputs.at(-1)?.output ?? '{}')) as { result?: { slots?: OfferedSlot[] } }).result?.slots ?? [];
  } catch {
    return [];
  }
}

/** The demo call, step by step. */
export function dentalOutreachDemoScript(): ConversationScript {
  return createConversationScript([
    agent.says('Hi, this is Sophia from Jefferson Dental. Tony and Paula were recently assigned to us for dental care through Medicaid, and I would love to help get their first check-up scheduled. Am I speaking with Maria Garcia?'),
    caller.says('Yes, this is Maria.'),
    agent.calls('parent_confirmed', { parentName: 'Maria' }),
    agent.says('Thanks, Maria! I have Tony, age eight, and Paula, age six. Would you like them seen at the same time, side by side?'),
    caller.says('Yes, together please.'),
    agent.calls('children_confirmed', { children: [{ name: 'Tony', age: 8 }, { name: 'Paula', age: 6 }], arrangement: 'together' }),
    agent.says('Which day works best for you, and are mornings or afternoons easier?'),
    caller.says('Mornings are best.'),
    agent.calls('find_times', { partOfDay: 'morning' }),
    agent.responds((ctx) => {
      const slots = lastSlots(ctx).slice(0, 2);
      if (slots.length === 0) return { say: 'I am sorry, I could not find a morning opening.' };
      return { say: `I have ${slots.map((slot) => slot.label).join(', or ')}. Which one works for you?` };
    }, 'agent offers the open times'),
    caller.says('The first one, please.'),
    agent.responds((ctx) => ({ calls: [{ name: 'book_visit', arguments: { start: lastSlots(ctx)[0]?.start ?? 'none' } }] }), 'agent books the first time'),
    agent.says('You are all set, and a text with the details is on its way. Please bring each child’s Medicaid card. Is there anything else I can help with?'),
    caller.says('No, that is all. Thank you!'),
    agent.calls('all_done'),
    agent.says('Thank you, Maria. We look forward to seeing you. Have a great day!'),
  ]);
}
