/** The SMS connector's operations: render, check the opt-out list, send through Twilio, store. */
import twilio from 'twilio';
import { type ConnectorContext, OperationError } from '../../engine/connectors/define-connector.js';
import { TemplateError, renderTemplate } from '../../engine/connectors/render-template.js';
import { normalizePhoneNumber } from '../../engine/util/phone-number.js';
import type { GetMessageInput, GetMessageOutput, SendInput, SendOutput, SmsConfig } from './index.js';
import { STATUS_RANK, isOptedOut, messagesCollection, setOptOut } from './messages.js';

type Ctx = ConnectorContext<SmsConfig>;

/** Twilio's longest message body. */
const MAX_BODY = 1600;

/** A Twilio API error as the `twilio` package raises it (RestException). */
interface TwilioApiError {
  status: number;
  code?: number;
  message: string;
}

function isTwilioApiError(error: unknown): error is TwilioApiError {
  return typeof (error as { status?: unknown } | null)?.status === 'number' && error instanceof Error;
}

function bodyOf(input: SendInput, ctx: Ctx): { body: string; template?: string } {
  if ((input.body === undefined) === (input.template === undefined)) {
    throw new OperationError('CONNECTOR_INPUT_INVALID', 'Give either `body` or `template`, not both and not neither');
  }
  let source = input.body;
  if (input.template !== undefined) {
    source = Object.hasOwn(ctx.config.templates, input.template) ? ctx.config.templates[input.template] : undefined;
    if (source === undefined) {
      const known = Object.keys(ctx.config.templates);
      throw new OperationError('SMS_TEMPLATE_INVALID', `No template "${input.template}" (configured: ${known.join(', ') || 'none'})`);
    }
  }
  let body: string;
  try {
    body = renderTemplate(source!, input.variables ?? {});
  } catch (error) {
    if (error instanceof TemplateError) throw new OperationError('SMS_TEMPLATE_INVALID', `Message ${input.template ? `template "${input.template}"` : 'body'}: ${error.message}`);
    throw error;
  }
  if (body.length > MAX_BODY) throw new OperationError('CONNECTOR_INPUT_INVALID', `The message is ${body.length} characters; Twilio's limit is ${MAX_BODY}`);
  return { body, ...(input.template ? { template: input.template } : {}) };
}

/** Twilio's refusal as a code the flow can route on. */
async function mapTwilioError(error: TwilioApiError, to: string, ctx: Ctx): Promise<OperationError> {
  const detail = `Twilio ${error.code ?? error.status}: ${error.message}`;
  switch (error.code) {
    case 21211: // not a valid phone number
    case 21612: // not reachable by SMS
    case 21614: // not a mobile number
      return new OperationError('SMS_INVALID_NUMBER', detail);
    case 21610:
      // Twilio knows the recipient replied STOP: remember it so we stop asking.
      await setOptOut(ctx.storage, to, 'opted-out', 'twilio-21610', new Date(ctx.clock.now()));
      return new OperationError('SMS_OPTED_OUT', `The recipient has opted out of messages (${detail})`);
    case 20003:
      return new OperationError('CONNECTOR_CONFIG_INVALID', `Twilio refused the account SID or auth token (${detail})`);
    default:
      if (error.status === 429 || error.status >= 500) return new OperationError('CONNECTOR_FAILED', `Twilio is unavailable (${detail})`, { retryable: true });
      return new OperationError('SMS_REJECTED', detail);
  }
}

export async function send(input: SendInput, ctx: Ctx): Promise<SendOutput> {
  const parsed = normalizePhoneNumber(input.to, ctx.config.defaultCountry);
  if (!parsed.ok) throw new OperationError('PHONE_NUMBER_INVALID', `Recipient "${input.to}": ${parsed.reason}`);
  const to = parsed.e164;
  const { body, template } = bodyOf(input, ctx);
  if (await isOptedOut(ctx.storage, to)) throw new OperationError('SMS_OPTED_OUT', 'The recipient replied STOP; they can text START to receive messages again');
  if (ctx.signal.aborted) throw new OperationError('CONNECTOR_CANCELLED', 'message not sent: the request was aborted');

  const client = twilio(ctx.config.accountSid, ctx.config.authToken, {
    ...(ctx.services.twilioHttpClient ? { httpClient: ctx.services.twilioHttpClient } : {}),
    autoRetry: false, // sending is not idempotent: a retry could text the caller twice
  });
  let message: { sid: string; status: string; numSegments: string };
  try {
    message = await client.messages.create({
      to,
      from: ctx.config.from,
      body,
      ...(ctx.config.messagingServiceSid ? { messagingServiceSid: ctx.config.messagingServiceSid } : {}),
      ...(ctx.config.statusCallbackUrl ? { statusCallback: ctx.config.statusCallbackUrl } : {}),
    });
  } catch (error) {
    if (isTwilioApiError(error)) throw await mapTwilioError(error, to, ctx);
    throw error;
  }

  const at = new Date(ctx.clock.now()).toISOString();
  await messagesCollection(ctx.storage).insertOne({
    _id: message.sid,
    to,
    from: ctx.config.from,
    body,
    status: message.status,
    statusRank: STATUS_RANK[message.status] ?? 0,
    ...(template ? { template } : {}),
    ...(ctx.call ? { callId: ctx.call.id, ...(ctx.call.flowId ? { flowId: ctx.call.flowId } : {}) } : {}),
    createdAt: at,
    updatedAt: at,
    history: [{ status: message.status, at }],
  });
  ctx.log.info('sms.sent', { sid: message.sid, messageStatus: message.status, template });
  return { sid: message.sid, status: message.status, segments: Number(message.numSegments) || 1, to };
}

export async function getMessage(input: GetMessageInput, ctx: Ctx): Promise<GetMessageOutput> {
  const doc = await messagesCollection(ctx.storage).findOne({ _id: input.sid });
  if (!doc) throw new OperationError('SMS_MESSAGE_NOT_FOUND', `No message ${input.sid} was sent by Parley`);
  return { sid: doc._id, status: doc.status, ...(doc.errorCode !== undefined ? { errorCode: doc.errorCode } : {}), updatedAt: doc.updatedAt, to: doc.to };
}
