/**
 * Twilio's surface (DESIGN §6), one fastify plugin:
 *
 * - `POST /twilio/voice` — Twilio asks what to do with a call: TwiML
 *   `<Connect><Stream>` to `/twilio/media` carrying the call id as a
 *   `<Parameter>` (inbound: the called number is routed to a flow; outbound:
 *   the call placed by `POST /api/calls`, named by `?callId=`), or, for a
 *   number no flow answers, a short apology and `<Hangup/>`.
 * - `WS /twilio/media` — the call's media stream (see TwilioMediaStream).
 * - `POST /twilio/status` — call progress callbacks, onto the call record.
 *
 * These routes are public to the API key (`config.public`) and protected by
 * `X-Twilio-Signature` instead, checked against `PUBLIC_URL`: a webhook over
 * its URL and form parameters, the WebSocket upgrade over the stream URL,
 * before anything is recorded or started. Invalid → 403. Without
 * TWILIO_AUTH_TOKEN and PUBLIC_URL nothing can be checked, so everything is
 * refused (503). Rate limited per route.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ParleyConfig } from '../config/load-config.js';
import { ParleyError } from '../errors/parley-error.js';
import type { CallLog } from '../runtime/call-log.js';
import type { CallManager } from '../runtime/call-manager.js';
import { connectStreamTwiml, hangupTwiml } from './twiml.js';
import { isValidTwilioSignature, mediaStreamUrl, publicUrlOf } from './twilio-signature.js';

/** What the Twilio routes need: the configuration (auth token, PUBLIC_URL), the call manager, the log. */
export interface TwilioRoutesOptions {
  config: ParleyConfig;
  manager: CallManager;
  log: CallLog;
}

/** Said to a caller whose number no flow answers. */
export const NOT_IN_SERVICE = 'Sorry, this number cannot take your call right now. Please try again later. Goodbye.';
/** Form bodies Twilio sends are small; anything bigger is not Twilio. */
const FORM_LIMIT = 64 * 1024;
const TWIML = 'text/xml; charset=utf-8';
/** How long a shutdown waits for media streams to finish their close handshake. */
const STREAM_CLOSE_GRACE_MS = 1000;

type Form = Record<string, string>;

function field(form: Form, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

/** The Twilio plugin: voice and status webhooks, the media stream. */
export async function twilioRoutes(app: FastifyInstance, options: TwilioRoutesOptions): Promise<void> {
  const { config, manager, log } = options;
  const authToken = config.twilio.authToken;
  const publicUrl = config.publicUrl;

  // Twilio posts `application/x-www-form-urlencoded`; this parser belongs to this plugin only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const refuse = (request: FastifyRequest, code: 'TWILIO_NOT_CONFIGURED' | 'TWILIO_SIGNATURE_INVALID'): never => {
    log.warn('twilio.webhook-refused', { route: request.routeOptions.url ?? '', code });
    throw new ParleyError(code, code === 'TWILIO_NOT_CONFIGURED' ? 'Twilio requests cannot be checked: set TWILIO_AUTH_TOKEN and PUBLIC_URL' : 'X-Twilio-Signature is missing or wrong');
  };

  /** Webhooks: signed over PUBLIC_URL + path and query, plus the form parameters. */
  const verifyWebhook = async (request: FastifyRequest) => {
    if (!authToken || !publicUrl) return refuse(request, 'TWILIO_NOT_CONFIGURED');
    const params = (request.body ?? {}) as Form;
    if (!isValidTwilioSignature(authToken, request.headers['x-twilio-signature'], publicUrlOf(publicUrl, request.url), params)) refuse(request, 'TWILIO_SIGNATURE_INVALID');
  };

  /** The media stream: Twilio signs the `<Stream url>` (wss://…/twilio/media) with no parameters. */
  const verifyStream = async (request: FastifyRequest) => {
    if (!authToken || !publicUrl) return refuse(request, 'TWILIO_NOT_CONFIGURED');
    if (!isValidTwilioSignature(authToken, request.headers['x-twilio-signature'], mediaStreamUrl(publicUrl), {})) refuse(request, 'TWILIO_SIGNATURE_INVALID');
  };

  const webhookSchema = (summary: string) => ({
    summary,
    tags: ['telephony'],
    description: 'Called by Twilio, signed with X-Twilio-Signature (no API key). Form-encoded body as Twilio sends it.',
  });

  app.post(
    '/twilio/voice',
    { config: { public: true, rateLimit: { max: 600, timeWindow: '1 minute' } }, preValidation: verifyWebhook, schema: webhookSchema('Twilio voice webhook: TwiML for a call') },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const callId = (request.query as { callId?: unknown }).callId;
      const routed =
        typeof callId === 'string' && callId !== ''
          ? await manager.prepareAnswered(callId, field(form, 'CallSid'))
          : await manager.prepareInbound({ callSid: field(form, 'CallSid'), from: field(form, 'From'), to: field(form, 'To') });
      reply.type(TWIML);
      if (!routed.ok) return hangupTwiml(NOT_IN_SERVICE);
      return connectStreamTwiml(mediaStreamUrl(publicUrl!), { callId: routed.callId });
    },
  );

  app.post(
    '/twilio/status',
    { config: { public: true, rateLimit: { max: 1200, timeWindow: '1 minute' } }, preValidation: verifyWebhook, schema: webhookSchema('Twilio call status callback') },
    async (request, reply) => {
      const form = (request.body ?? {}) as Form;
      const callId = (request.query as { callId?: unknown }).callId;
      await manager.statusUpdate({ callSid: field(form, 'CallSid'), callStatus: field(form, 'CallStatus'), ...(typeof callId === 'string' && callId ? { callId } : {}) });
      return reply.code(204).send();
    },
  );

  await app.register(websocket, {
    // Twilio's messages are a few hundred bytes; bigger ones are dropped as invalid by the stream, not fatal to the call.
    options: { maxPayload: 4 << 20, perMessageDeflate: false },
    // Closing the server ends live calls first (recorded, onEnd run); only then are sockets closed.
    preClose: async function closeStreams(this: FastifyInstance) {
      await manager.shutDown();
      // The calls closed their streams (1000); give the close handshakes a moment, then cut what is left.
      const open = [...this.websocketServer.clients].filter((client) => client.readyState !== client.CLOSED);
      const closed = open.map((client) => new Promise<void>((resolve) => client.once('close', () => resolve())));
      await Promise.race([Promise.all(closed), new Promise<void>((resolve) => setTimeout(resolve, STREAM_CLOSE_GRACE_MS).unref())]);
      for (const client of this.websocketServer.clients) client.terminate();
    },
  });

  app.get(
    '/twilio/media',
    { websocket: true, config: { public: true, rateLimit: { max: 600, timeWindow: '1 minute' } }, onRequest: verifyStream, schema: { summary: 'Twilio Media Streams WebSocket (signed upgrade)', tags: ['telephony'] } },
    (socket) => {
      manager.acceptStream(socket);
    },
  );
}
