/**
 * A large flow shaped like a big real one, for benchmarks: groups of stages,
 * every stage with its own guidance template (placeholders included), intents
 * (some collecting values), keywords, conditions, tool routes, global
 * transitions with `$previous`, limits.
 */
import type { Flow, Stage, Transition } from '../engine/types/flow.generated.js';

const GROUP_SIZE = 50;

/** A flow with exactly `total` stages (groups and leaves). */
export function buildLargeFlow(total: number): Flow {
  const groups = Math.max(1, Math.floor(total / GROUP_SIZE));
  const leaves = total - groups - 3;
  const leavesIn = (g: number) => Math.floor(leaves / groups) + (g < leaves % groups ? 1 : 0);
  const tools: NonNullable<Flow['tools']> = {};
  for (let t = 0; t < 20; t++) {
    tools[`tool_${t}`] = {
      use: `svc.op${t}`,
      description: `Look up record kind ${t}.`,
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
      with: { account: 'account.id', region: `"r${t}"` },
      assign: { [`result${t}`]: '$result.value' },
      expose: ['value'],
      filler: `One moment while I check record ${t}.`,
    };
  }
  const stages: Record<string, Stage> = {};
  let index = 0;
  const leafName = (g: number, i: number) => `g${g}_s${i}`;
  for (let g = 0; g < groups; g++) {
    const children: Record<string, Stage> = {};
    for (let i = 0; i < leavesIn(g); i++, index++) {
      const next: Transition[] = [];
      const following = i + 1 < leavesIn(g) ? leafName(g, i + 1) : leafName((g + 1) % groups, 0);
      next.push({
        to: following,
        intent: `The caller has answered question ${index} and is ready for the next one.`,
        ...(index % 5 === 0 ? { collect: { [`answer${index}`]: { type: 'string', minLength: 1 } } } : {}),
      });
      if (index % 10 === 3) next.push({ to: leafName(g, 0), keywords: ['start over', `restart ${index}`] });
      if (index % 10 === 7) next.push({ to: following, when: `$exists(answer${index - 2}) and attempts < ${index % 7 + 2}` });
      if (index % 20 === 11) next.push({ to: following, on: `tool_${index % 20}.done` }, { to: 'human', on: `tool_${index % 20}.error` });
      children[leafName(g, i)] = {
        guidance: `Step ${index}: ask {{default caller.name "the caller"}} about item ${index} of {{org.name}}'s checklist.${index % 4 === 0 ? ' Mention {{count items}} items.' : ''}`,
        ...(index % 20 === 11 ? { tools: [`tool_${index % 20}`] } : {}),
        ...(index % 25 === 0 ? { say: `Let's move on to part ${index}.` } : {}),
        next,
      };
    }
    stages[`g${g}`] = {
      type: 'group',
      guidance: `You are in section ${g} of the intake. Keep answers short.`,
      initial: leafName(g, 0),
      next: [{ to: 'closing', intent: `The caller wants to stop during section ${g}.` }],
      stages: children,
    };
  }
  stages.emergency = { guidance: 'Handle the emergency.', next: [{ to: '$previous', intent: 'The emergency is handled.' }] };
  stages.human = { type: 'transfer', say: 'Transferring you now.', transfer: { to: '{{org.phone}}' } };
  stages.closing = { type: 'end', say: 'Goodbye.' };
  return {
    id: 'large-flow',
    name: `Large flow (${total} stages)`,
    agent: { instructions: 'You are the intake assistant of {{org.name}}. Be brief and kind.' },
    context: { initial: { org: { name: 'Acme Clinic', phone: '+15125550199' }, attempts: 0, items: [1, 2, 3], account: { id: 'a-1' } } },
    tools,
    initial: 'g0',
    stages,
    global: [
      { to: 'emergency', keywords: ['bleeding', 'chest pain'], intent: 'The caller has an emergency.' },
      { to: 'human', dtmf: '0', intent: 'The caller asks for a person.' },
    ],
    limits: { maxStageTurns: 8, silence: '8s', onLimit: 'human' },
  };
}
