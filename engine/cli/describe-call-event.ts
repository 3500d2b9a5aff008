/**
 * One line per recorded call event, for timelines people read in a terminal
 * (`parley demo`, failures of `parley test`): stages, who said what, tools
 * with arguments and results, refusals, the outcome.
 */
import type { CallEvent } from '../store/call-event.js';

const clip = (value: unknown, max = 140) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** The event as one line, or undefined for events not worth a line (model connected, Twilio status notes). */
export function describeCallEvent(event: CallEvent): string | undefined {
  switch (event.kind) {
    case 'transition':
      return `STAGE  ${event.data.to}  (from ${event.data.from ?? 'the start'}, ${event.data.trigger.kind}${'name' in event.data.trigger ? ` ${event.data.trigger.name}` : 'tool' in event.data.trigger ? ` ${event.data.trigger.tool}.${event.data.trigger.outcome}` : ''})`;
    case 'transcript':
      return `${event.data.role === 'agent' ? 'AGENT ' : 'CALLER'} ${event.data.text}`;
    case 'tool':
      return `TOOL   ${event.data.name} (${event.data.use}) ${clip(event.data.args, 100)} → ${event.data.status} in ${Math.round(event.data.latencyMs)} ms: ${clip(event.data.result ?? event.data.error)}`;
    case 'violation':
      return `REFUSED ${event.data.name}: ${event.data.code}`;
    case 'model':
      return event.data.event === 'connected' ? undefined : `MODEL  ${event.data.event}${event.data.detail ? ` (${event.data.detail})` : ''}`;
    case 'outcome':
      return `OUTCOME ${clip(event.data.outcome ?? {})}`;
    case 'note':
      return event.data.text.startsWith('Twilio call status') ? undefined : `NOTE   ${event.data.text}`;
  }
}
