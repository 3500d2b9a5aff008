/**
 * The Twilio REST calls the runtime makes: place an outbound call, redirect a
 * live call to new TwiML (transfer), hang one up. Through the official
 * `twilio` package, imported on first use (it takes hundreds of ms to load,
 * which server start should not pay); tests pass the fake Twilio REST API's
 * `httpClient`, so the package builds and parses real requests without the
 * network. Failures come back as `TWILIO_REQUEST_FAILED` with Twilio's code and
 * message — never the credentials.
 */
import type twilioFactory from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';
import { ParleyError } from '../errors/parley-error.js';

/** Account credentials and, in tests, the fake's HTTP client. */
export interface TwilioRestOptions {
  accountSid: string;
  authToken: string;
  /** The `twilio` package's pluggable HTTP client (the fake Twilio REST API's `httpClient` in tests). */
  httpClient?: TwilioRequestClient;
}

/** A new outbound call. */
export interface OutboundCallRequest {
  to: string;
  from: string;
  /** Twilio fetches TwiML here when the callee answers. */
  url: string;
  /** Call progress lands here (`initiated`, `ringing`, `answered`, `completed`). */
  statusCallback: string;
}

/** What the runtime asks of Twilio's REST API. */
export interface TwilioRest {
  /** Places a call; resolves with its Call SID. */
  createCall(request: OutboundCallRequest): Promise<{ sid: string; status: string }>;
  /** Replaces a live call's TwiML (a transfer: `<Dial>`). */
  redirect(callSid: string, twiml: string): Promise<void>;
  /** Ends a live call. */
  hangUp(callSid: string): Promise<void>;
}

interface RestError {
  status?: number;
  code?: number;
  message?: string;
}

function failed(action: string, error: unknown): ParleyError {
  const rest = (error ?? {}) as RestError;
  const detail = typeof rest.code === 'number' ? `Twilio ${rest.code}: ${rest.message ?? ''}` : error instanceof Error ? error.message : String(error);
  return new ParleyError('TWILIO_REQUEST_FAILED', `${action} failed (${detail.trim()})`, {
    details: { ...(typeof rest.code === 'number' ? { twilioCode: rest.code } : {}), ...(typeof rest.status === 'number' ? { httpStatus: rest.status } : {}) },
  });
}

/** Creates the REST wrapper; the `twilio` package loads on the first request. */
export function createTwilioRest(options: TwilioRestOptions): TwilioRest {
  type Client = ReturnType<typeof twilioFactory>;
  let client: Promise<Client> | undefined;
  const connect = () =>
    (client ??= import('twilio').then((module) => {
      // A CommonJS module: Node gives its exports object as the default import, bundlers may nest it once more.
      const twilio = ((module as unknown as { default?: typeof twilioFactory }).default ?? module) as unknown as typeof twilioFactory;
      return twilio(options.accountSid, options.authToken, options.httpClient ? { httpClient: options.httpClient } : {});
    }));

  return {
    async createCall(request) {
      try {
        const call = await (await connect()).calls.create({
          to: request.to,
          from: request.from,
          url: request.url,
          method: 'POST',
          statusCallback: request.statusCallback,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        });
        return { sid: call.sid, status: call.status };
      } catch (error) {
        throw failed('Placing the call', error);
      }
    },
    async redirect(callSid, twiml) {
      try {
        await (await connect()).calls(callSid).update({ twiml });
      } catch (error) {
        throw failed('Redirecting the call', error);
      }
    },
    async hangUp(callSid) {
      try {
        await (await connect()).calls(callSid).update({ status: 'completed' });
      } catch (error) {
        throw failed('Hanging up the call', error);
      }
    },
  };
}
