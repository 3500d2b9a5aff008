/**
 * A fake Twilio REST API behind the `twilio` package's own pluggable HTTP
 * client: pass `fake.httpClient` as the client's `httpClient` option and every
 * request the package makes lands here instead of on the network. The package
 * still builds the URLs, form parameters and auth, and still parses responses
 * and raises `RestException`s, so code under test runs exactly as in production.
 *
 *     const fake = createFakeTwilioRest();
 *     const client = twilio(fake.accountSid, fake.authToken, { httpClient: fake.httpClient });
 *     fake.failNext({ resource: 'messages', error: TWILIO_ERRORS.unsubscribedRecipient });
 *
 * Implemented: Messages create/fetch; Calls create/fetch/update (status, url,
 * twiml). Everything is recorded in `fake.requests`. Unknown routes answer 404
 * (Twilio code 20404), wrong credentials 401 (20003), with Twilio's error JSON
 * `{ code, message, more_info, status }`. Product code: users reuse it in their
 * own flow and connector tests.
 */
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';
import ResponseModule from 'twilio/lib/http/response.js';
import { type Clock, systemClock } from '../util/clock.js';

// A CommonJS module with `__esModule`: Node's ESM loader gives its exports object
// as the default import, bundlers (vitest) give `exports.default`. Accept both.
const TwilioResponse = ((ResponseModule as unknown as { default?: typeof ResponseModule.default }).default ?? ResponseModule) as typeof ResponseModule.default;

/** An error as Twilio's API returns it. */
export interface TwilioErrorSpec {
  /** HTTP status. */
  status: number;
  /** Twilio error code, e.g. 21211. */
  code: number;
  message: string;
}

/** Errors Twilio really returns, for `failNext`. */
/** The host of Twilio's REST API: the only host the fake answers for (the twilio package builds its URLs on it). */
export const TWILIO_API_HOST = 'api.twilio.com';

export const TWILIO_ERRORS = {
  /** 21211: the `To` number is not a valid phone number. */
  invalidNumber: { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." },
  /** 21610: the recipient replied STOP. */
  unsubscribedRecipient: { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  /** 21614: the `To` number cannot receive SMS (a landline). */
  notMobile: { status: 400, code: 21614, message: "'To' number is not a valid mobile number" },
  /** 20003: wrong account SID or auth token. */
  authenticate: { status: 401, code: 20003, message: 'Authenticate' },
  /** 20429: too many requests. */
  tooManyRequests: { status: 429, code: 20429, message: 'Too Many Requests' },
  /** 20500: Twilio had an internal error. */
  internalError: { status: 500, code: 20500, message: 'An internal server error has occurred' },
  /** 503 with Twilio's 20503. */
  unavailable: { status: 503, code: 20503, message: 'Service unavailable' },
} as const satisfies Record<string, TwilioErrorSpec>;

/** One request the fake received, as the `twilio` package sent it. */
export interface RecordedTwilioRequest {
  method: string;
  /** Full URL, e.g. `https://api.twilio.com/2010-04-01/Accounts/AC…/Messages.json`. */
  url: string;
  /** Path without host. */
  path: string;
  resource: 'messages' | 'calls' | 'other';
  /** Form parameters (`To`, `From`, `Body`, …). */
  data: Record<string, unknown>;
  /** Query parameters. */
  query: Record<string, unknown>;
  /** Basic-auth user (the account SID), when given. */
  username: string | undefined;
  /** What the fake answered. */
  status: number;
}

export type FakeMessageStatus = 'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'receiving' | 'received' | 'read' | 'canceled' | 'scheduled';

/** A message as the fake stores it. */
export interface FakeMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  status: FakeMessageStatus;
  statusCallback: string | null;
  errorCode: number | null;
  numSegments: number;
  dateCreated: string;
  dateUpdated: string;
}

export type FakeCallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';

/** A call as the fake stores it, with every update it received. */
export interface FakeCall {
  sid: string;
  to: string;
  from: string;
  status: FakeCallStatus;
  url: string | null;
  twiml: string | null;
  statusCallback: string | null;
  /** Form parameters of every update (redirects, hang-ups), in order. */
  updates: Array<Record<string, unknown>>;
  dateCreated: string;
  dateUpdated: string;
}

/** Which requests a failure applies to; all given fields must match. */
export interface FailureMatch {
  method?: 'GET' | 'POST' | 'DELETE';
  resource?: 'messages' | 'calls';
  /** Only requests whose `To` is this number. */
  to?: string;
}

export interface FakeTwilioRest {
  /** Pass as `twilio(sid, token, { httpClient })`. */
  readonly httpClient: TwilioRequestClient;
  readonly accountSid: string;
  readonly authToken: string;
  /** Every request, in order, including failed ones. */
  readonly requests: RecordedTwilioRequest[];
  readonly messages: FakeMessage[];
  readonly calls: FakeCall[];
  /** A `twilio` client wired to the fake. */
  client(): ReturnType<typeof twilio>;
  /** The next `times` matching requests (default 1; `Infinity` for all) fail with `error`. */
  failNext(match: FailureMatch & { error: TwilioErrorSpec; times?: number }): void;
  /** Every matching request waits `ms` before it is answered (for timeout tests). */
  delay(ms: number): void;
  /** Moves a message along (e.g. to `delivered`, or `undelivered` with 30003). */
  setMessageStatus(sid: string, status: FakeMessageStatus, errorCode?: number): FakeMessage;
  /** Moves a call along (e.g. to `in-progress`). */
  setCallStatus(sid: string, status: FakeCallStatus): FakeCall;
  /** Forgets requests, messages, calls, failures and delay. */
  reset(): void;
}

export interface FakeTwilioRestOptions {
  accountSid?: string;
  authToken?: string;
  /** Time for `date_created`. Default: the system clock. */
  clock?: Clock;
  /** SIDs count up from here (default 0): give runs that share a store different ranges, as Twilio's SIDs never repeat. */
  sidOffset?: number;
}

const API = '/2010-04-01/Accounts/';
const E164 = /^\+[1-9]\d{6,14}$/;
const TERMINAL_CALL: ReadonlySet<FakeCallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Twilio's date format: RFC 2822 with `+0000`. */
function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** GSM-7 messages split at 153 characters, others (UCS-2) at 67. */
function segments(body: string): number {
  const gsm = /^[\x20-\x7E\n\r£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà]*$/.test(body);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return body.length <= single ? 1 : Math.ceil(body.length / multi);
}

function errorBody(error: TwilioErrorSpec) {
  return { code: error.code, message: error.message, more_info: `https://www.twilio.com/docs/errors/${error.code}`, status: error.status };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : value === undefined || value === null ? undefined : String(value);
}

/** Creates a fake Twilio REST API with an account SID and auth token of its own. */
export function createFakeTwilioRest(options: FakeTwilioRestOptions = {}): FakeTwilioRest {
  const accountSid = options.accountSid ?? 'AC00000000000000000000000000000001';
  const authToken = options.authToken ?? 'fake-twilio-auth-token-0001';
  const clock = options.clock ?? systemClock;
  const requests: RecordedTwilioRequest[] = [];
  const messages: FakeMessage[] = [];
  const calls: FakeCall[] = [];
  let failures: Array<FailureMatch & { error: TwilioErrorSpec; remaining: number }> = [];
  let delayMs = 0;
  let counter = options.sidOffset ?? 0;
  const sid = (prefix: 'SM' | 'CA') => `${prefix}${(++counter).toString(16).padStart(32, '0')}`;

  const messageJson = (m: FakeMessage) => ({
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: m.dateCreated,
    date_sent: null,
    date_updated: m.dateUpdated,
    direction: 'outbound-api',
    error_code: m.errorCode,
    error_message: null,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: String(m.numSegments),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${API}${accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `${API}${accountSid}/Messages/${m.sid}.json`,
  });

  const callJson = (c: FakeCall) => ({
    account_sid: accountSid,
    annotation: null,
    answered_by: null,
    api_version: '2010-04-01',
    caller_name: null,
    date_created: c.dateCreated,
    date_updated: c.dateUpdated,
    direction: 'outbound-api',
    duration: null,
    end_time: null,
    forwarded_from: null,
    from: c.from,
    from_formatted: c.from,
    group_sid: null,
    parent_call_sid: null,
    phone_number_sid: null,
    price: null,
    price_unit: 'USD',
    sid: c.sid,
    start_time: null,
    status: c.status,
    subresource_uris: {},
    to: c.to,
    to_formatted: c.to,
    trunk_sid: null,
    uri: `${API}${accountSid}/Calls/${c.sid}.json`,
    queue_time: '0',
  });

  type Answer = { status: number; body: unknown };
  const fail = (error: TwilioErrorSpec): Answer => ({ status: error.status, body: errorBody(error) });
  const notFound = (path: string): Answer => fail({ status: 404, code: 20404, message: `The requested resource ${path} was not found` });

  function createMessage(data: Record<string, unknown>): Answer {
    const to = str(data.To) ?? '';
    const from = str(data.From) ?? null;
    const service = str(data.MessagingServiceSid) ?? null;
    const body = str(data.Body) ?? '';
    if (!E164.test(to)) return fail({ status: 400, code: 21211, message: `The 'To' number ${to} is not a valid phone number.` });
    if (!from && !service) return fail({ status: 400, code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required to send a message." });
    if (!body && data.MediaUrl === undefined && data.ContentSid === undefined) return fail({ status: 400, code: 21602, message: 'Message body is required.' });
    if (body.length > 1600) return fail({ status: 400, code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.' });
    const now = rfc2822(clock.now());
    const message: FakeMessage = {
      sid: sid('SM'),
      to,
      from,
      messagingServiceSid: service,
      body,
      status: service && !from ? 'accepted' : 'queued',
      statusCallback: str(data.StatusCallback) ?? null,
      errorCode: null,
      numSegments: segments(body),
      dateCreated: now,
      dateUpdated: now,
    };
    messages.push(message);
    return { status: 201, body: messageJson(message) };
  }

  function createCall(data: Record<string, unknown>): Answer {
    const to = str(data.To) ?? '';
    const from = str(data.From) ?? '';
    if (!E164.test(to) && !to.startsWith('sip:') && !to.startsWith('client:')) return fail({ status: 400, code: 21211, message: `Invalid 'To' Phone Number: ${to}` });
    if (!E164.test(from) && !from.startsWith('client:')) return fail({ status: 400, code: 21212, message: `Invalid 'From' Phone Number: ${from}` });
    if (data.Url === undefined && data.Twiml === undefined && data.ApplicationSid === undefined) {
      return fail({ status: 400, code: 21205, message: "A 'Url', 'Twiml' or 'ApplicationSid' parameter is required." });
    }
    const now = rfc2822(clock.now());
    const call: FakeCall = { sid: sid('CA'), to, from, status: 'queued', url: str(data.Url) ?? null, twiml: str(data.Twiml) ?? null, statusCallback: str(data.StatusCallback) ?? null, updates: [], dateCreated: now, dateUpdated: now };
    calls.push(call);
    return { status: 201, body: callJson(call) };
  }

  function updateCall(call: FakeCall, data: Record<string, unknown>): Answer {
    const status = str(data.Status);
    if (TERMINAL_CALL.has(call.status)) {
      return fail({ status: 400, code: 21220, message: 'Call is not in-progress. Cannot redirect.' });
    }
    if (status !== undefined && status !== 'completed' && status !== 'canceled') {
      return fail({ status: 400, code: 20001, message: `Status must be 'completed' or 'canceled', not '${status}'` });
    }
    if (status === 'canceled' && call.status !== 'queued' && call.status !== 'ringing') {
      return fail({ status: 400, code: 21220, message: 'Only queued or ringing calls can be canceled; use completed to hang up.' });
    }
    call.updates.push({ ...data });
    if (data.Url !== undefined) call.url = str(data.Url) ?? null;
    if (data.Twiml !== undefined) call.twiml = str(data.Twiml) ?? null;
    if (status) call.status = status as FakeCallStatus;
    call.dateUpdated = rfc2822(clock.now());
    return { status: 200, body: callJson(call) };
  }

  function route(method: string, path: string, data: Record<string, unknown>): Answer {
    if (!path.startsWith(`${API}${accountSid}/`)) return notFound(path);
    const rest = path.slice(`${API}${accountSid}/`.length);
    let m: RegExpExecArray | null;
    if (rest === 'Messages.json' && method === 'POST') return createMessage(data);
    if ((m = /^Messages\/(SM[0-9a-f]{32})\.json$/.exec(rest)) && method === 'GET') {
      const message = messages.find((x) => x.sid === m![1]);
      return message ? { status: 200, body: messageJson(message) } : notFound(path);
    }
    if (rest === 'Calls.json' && method === 'POST') return createCall(data);
    if ((m = /^Calls\/(CA[0-9a-f]{32})\.json$/.exec(rest))) {
      const call = calls.find((x) => x.sid === m![1]);
      if (!call) return notFound(path);
      if (method === 'GET') return { status: 200, body: callJson(call) };
      if (method === 'POST') return updateCall(call, data);
    }
    return notFound(path);
  }

  class FakeRequestClient extends twilio.RequestClient {
    override async request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
      const method = opts.method.toUpperCase();
      const url = new URL(opts.uri);
      const data = { ...((opts.data ?? {}) as Record<string, unknown>) };
      const resource = /\/Messages(\/|\.json)/.test(url.pathname) ? 'messages' : /\/Calls(\/|\.json)/.test(url.pathname) ? 'calls' : 'other';
      const recorded: RecordedTwilioRequest = { method, url: url.href, path: url.pathname, resource, data, query: { ...((opts.params ?? {}) as Record<string, unknown>) }, username: opts.username, status: 0 };
      requests.push(recorded);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));

      let answer: Answer;
      if (url.hostname !== TWILIO_API_HOST) answer = notFound(url.href);
      else if (opts.username !== accountSid || opts.password !== authToken) answer = fail(TWILIO_ERRORS.authenticate);
      else {
        const to = str(data.To);
        const rule = failures.find((f) => (!f.method || f.method === method) && (!f.resource || f.resource === resource) && (!f.to || f.to === to));
        if (rule) {
          rule.remaining--;
          failures = failures.filter((f) => f.remaining > 0);
          answer = fail(rule.error);
        } else {
          answer = route(method, url.pathname, data);
        }
      }
      recorded.status = answer.status;
      // The real client hands the package the raw body text; the package parses it.
      return new TwilioResponse<TData>(answer.status, JSON.stringify(answer.body) as TData, { 'content-type': 'application/json' });
    }
  }

  const httpClient = new FakeRequestClient();
  return {
    httpClient,
    accountSid,
    authToken,
    requests,
    messages,
    calls,
    client: () => twilio(accountSid, authToken, { httpClient }),
    failNext({ error, times = 1, ...match }) {
      failures.push({ ...match, error, remaining: times });
    },
    delay(ms) {
      delayMs = ms;
    },
    setMessageStatus(messageSid, status, errorCode) {
      const message = messages.find((x) => x.sid === messageSid);
      if (!message) throw new Error(`fake Twilio has no message ${messageSid}`);
      message.status = status;
      message.errorCode = errorCode ?? null;
      message.dateUpdated = rfc2822(clock.now());
      return message;
    },
    setCallStatus(callSid, status) {
      const call = calls.find((x) => x.sid === callSid);
      if (!call) throw new Error(`fake Twilio has no call ${callSid}`);
      call.status = status;
      call.dateUpdated = rfc2822(clock.now());
      return call;
    },
    reset() {
      requests.length = 0;
      messages.length = 0;
      calls.length = 0;
      failures = [];
      delayMs = 0;
    },
  };
}
