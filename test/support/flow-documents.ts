/** Flow documents for API tests: the smallest lint-clean flow, and variations of it. */
import type { Flow } from '../../engine/types/flow.generated.js';

/** One talk stage and an end: lint-clean. */
export function minimalFlow(id = 'minimal', name = 'Minimal'): Flow {
  return {
    id,
    name,
    agent: { instructions: 'You are a friendly receptionist.' },
    initial: 'greeting',
    stages: {
      greeting: { guidance: 'Greet the caller and ask how you can help.', next: [{ to: 'closing', intent: 'The caller has what they need.' }] },
      closing: { type: 'end', say: 'Thanks for calling. Goodbye!' },
    },
  };
}

/** The same flow as YAML text, as a designer writes it. */
export function minimalFlowYaml(id = 'minimal'): string {
  return [
    '# The smallest useful flow: one talk stage and an end.',
    `id: ${id}`,
    'name: Minimal',
    'agent:',
    '  instructions: You are a friendly receptionist.',
    'initial: greeting',
    'stages:',
    '  greeting:',
    '    guidance: Greet the caller and ask how you can help.',
    '    next:',
    '      - { to: closing, intent: The caller has what they need. }',
    '  closing:',
    '    type: end',
    '    say: Thanks for calling. Goodbye!',
    '',
  ].join('\n');
}
