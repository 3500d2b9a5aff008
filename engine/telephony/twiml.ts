/**
 * The TwiML Parley answers Twilio with, built as strings: a handful of fixed
 * shapes, every value XML-escaped. `<Connect><Stream>` bridges the call to
 * `/twilio/media`; `<Say>` + `<Hangup>` politely refuses a call; `<Dial>`
 * transfers one.
 */

/** Escapes text for an XML attribute or element. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

const DOCUMENT = '<?xml version="1.0" encoding="UTF-8"?>';

function response(body: string): string {
  return `${DOCUMENT}<Response>${body}</Response>`;
}

/** A `<Say>` verb, or nothing for empty text. */
function say(text: string | undefined): string {
  const words = text?.trim();
  return words ? `<Say>${escapeXml(words)}</Say>` : '';
}

/**
 * Bridges the call to a bidirectional Media Stream. `parameters` arrive in the
 * stream's `start.customParameters` (Parley sends the call id this way: the
 * WebSocket URL itself carries no query parameters through Twilio).
 */
export function connectStreamTwiml(streamUrl: string, parameters: Record<string, string>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join('');
  return response(`<Connect><Stream url="${escapeXml(streamUrl)}">${params}</Stream></Connect>`);
}

/** Says `text` (when given), then hangs up. */
export function hangupTwiml(text?: string): string {
  return response(`${say(text)}<Hangup/>`);
}

/** Says `text` (when given), then dials `to`: an E.164 number, or a `sip:` address. */
export function dialTwiml(to: string, options: { callerId?: string; say?: string } = {}): string {
  const callerId = options.callerId ? ` callerId="${escapeXml(options.callerId)}"` : '';
  const target = to.startsWith('sip:') ? `<Sip>${escapeXml(to)}</Sip>` : `<Number>${escapeXml(to)}</Number>`;
  return response(`${say(options.say)}<Dial${callerId}>${target}</Dial>`);
}
