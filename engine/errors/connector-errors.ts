/**
 * Codes reported by the connector host and the built-in connectors. During a
 * call they are data (a failed `tool.result`), not exceptions: the flow routes
 * on them and the call record keeps them. Add new codes; never rename or reuse.
 */
import type { ErrorDefinition } from './parley-error.js';

const def = (kind: ErrorDefinition['kind'], status: number, meaning: string, fix: string): ErrorDefinition => ({ meaning, fix, kind, status });

/** The host: loading, configuring and invoking connectors. */
export const CONNECTOR_ERRORS = {
  CONNECTOR_MANIFEST_INVALID: def('user', 503, 'A connector manifest does not match `schemas/connector.schema.json`, or one of its schemas is not a valid JSON Schema.', 'Fix the field named in the message in the connector\'s `defineConnector({...})`; the connector is unavailable until then.'),
  CONNECTOR_LOAD_FAILED: def('operational', 503, 'A connector module could not be found or imported, or it does not export a connector.', 'Check the path or package name in `PARLEY_CONNECTORS` and that the module\'s default export is `defineConnector({...})`.'),
  CONNECTOR_DUPLICATE: def('user', 503, 'Two connectors have the same name; the second one was not loaded.', 'Rename one of them, or remove the duplicate path from `PARLEY_CONNECTORS`.'),
  CONNECTOR_NOT_CONFIGURED: def('operational', 503, 'A connector lacks required configuration, such as a secret environment variable.', 'Set the environment variables named in the message and restart the server.'),
  CONNECTOR_CONFIG_INVALID: def('operational', 503, 'A connector\'s configuration is present but wrong (wrong type or format), or a secret was put in a configuration file.', 'Correct the value named in the message; secrets are read only from their environment variables.'),
  CONNECTOR_UNKNOWN_OPERATION: def('user', 404, 'No loaded connector offers this `connector.operation`.', 'Check the spelling against the connector catalog (`GET /connectors`); a failed connector offers no operations.'),
  CONNECTOR_INPUT_INVALID: def('user', 422, 'The arguments do not match the operation\'s input schema.', 'Send the fields the operation\'s input schema asks for, with the types it names.'),
  CONNECTOR_OUTPUT_INVALID: def('unexpected', 502, 'The connector returned a result that does not match its own output schema.', 'This is a bug in the connector: report it to its author with the message.'),
  CONNECTOR_TIMEOUT: def('operational', 504, 'The operation did not finish within its timeout.', 'Raise the binding\'s `timeout` if the service is just slow, or check the service the connector calls.'),
  CONNECTOR_CANCELLED: def('operational', 503, 'The operation was cancelled before it finished, usually because the call ended.', 'Nothing to fix when the caller hung up; otherwise check what aborted the call.'),
  CONNECTOR_FAILED: def('operational', 502, 'The operation failed with an error its connector did not classify.', 'Read the message; if it names a service, check that service. Retries happen only for idempotent operations.'),
  PHONE_NUMBER_INVALID: def('user', 422, 'A phone number (given to the calendar, CRM or SMS connector) could not be read as a valid E.164 number.', 'Ask for the number again with its area code; international numbers start with + and the country code.'),
  CONNECTOR_NO_STORAGE: def('operational', 503, 'The connector needs storage but the host was started without a store.', 'Start the connector host with a store (the server always passes one).'),
} as const satisfies Record<string, ErrorDefinition>;

/** `connectors/calendar`. */
export const CALENDAR_ERRORS = {
  CALENDAR_INVALID_DATE: def('user', 422, 'A date or time does not exist or is not written as `YYYY-MM-DD` / ISO 8601 (for example February 30).', 'Ask the caller for another date; dates are `YYYY-MM-DD`, times ISO 8601 with an offset or local to the calendar.'),
  CALENDAR_DATE_IN_PAST: def('user', 422, 'The date or time asked for is already past in the calendar\'s time zone.', 'Offer a future date; the message says what "now" is for the calendar.'),
  CALENDAR_INVALID_RANGE: def('user', 422, 'A date range ends before it starts, or is longer than the calendar allows.', 'Send `from` on or before `to`, within the calendar\'s search window.'),
  CALENDAR_OUTSIDE_HOURS: def('user', 422, 'The requested time is outside business hours or on a closure day.', 'Search slots with `findSlots` and book one of those.'),
  CALENDAR_SLOT_UNAVAILABLE: def('user', 409, 'The slot has no room left for the seats asked for (someone may have booked it a moment ago).', 'Search again with `findSlots` and offer the caller another slot.'),
  CALENDAR_NOT_FOUND: def('user', 404, 'No calendar has this id.', 'Use a calendar id from the seed data or the connector\'s configuration (`defaultCalendar`).'),
  CALENDAR_SERVICE_NOT_FOUND: def('user', 404, 'The calendar offers no service with this id.', 'Call `listServices` and use one of its ids.'),
  CALENDAR_RESOURCE_NOT_FOUND: def('user', 404, 'The calendar has no resource (chair, technician, bay) with this id or kind.', 'Use a resource id or kind that the calendar defines.'),
  CALENDAR_BOOKING_NOT_FOUND: def('user', 404, 'No booking has this id.', 'Look the booking up with `findBookings` by the caller\'s phone number.'),
  CALENDAR_BOOKING_CANCELLED: def('user', 409, 'The booking was cancelled; it cannot be changed.', 'Book a new appointment instead.'),
  CALENDAR_SEED_INVALID: def('user', 422, 'Calendar seed data does not match the calendar data format.', 'Fix the field named in the message in the seed JSON.'),
} as const satisfies Record<string, ErrorDefinition>;

/** `connectors/crm`. */
export const CRM_ERRORS = {
  CRM_CONTACT_NOT_FOUND: def('user', 404, 'No contact has this phone number or id.', 'Create the contact with `upsertContact` first, or check the number.'),
  CRM_IMPORT_INVALID: def('user', 422, 'An import file cannot be read at all (not CSV/JSON, or no phone column).', 'Give a CSV with a header row containing `phone`, or a JSON array of contacts.'),
} as const satisfies Record<string, ErrorDefinition>;

/** `connectors/sms`. */
export const SMS_ERRORS = {
  SMS_INVALID_NUMBER: def('user', 422, 'The recipient is not a valid phone number, or Twilio cannot message it (Twilio 21211, 21614).', 'Check the number; landlines cannot receive text messages.'),
  SMS_OPTED_OUT: def('user', 409, 'The recipient replied STOP; Parley will not text them (Twilio 21610).', 'Do not retry. The recipient can text START to opt back in.'),
  SMS_TEMPLATE_INVALID: def('user', 422, 'The message template is unknown, malformed, or uses a variable that was not given.', 'Use a template name from the connector\'s `templates` and pass every `{{variable}}` it uses.'),
  SMS_REJECTED: def('operational', 502, 'Twilio refused the message for another reason; the message carries Twilio\'s error code.', 'Look the Twilio code up at twilio.com/docs/errors and fix the account or sender number.'),
  SMS_MESSAGE_NOT_FOUND: def('user', 404, 'No message with this SID was sent by Parley.', 'Use the `sid` returned by `sms.send`.'),
} as const satisfies Record<string, ErrorDefinition>;

/** `connectors/http`. */
export const HTTP_ERRORS = {
  HTTP_TARGET_FORBIDDEN: def('user', 403, 'The URL points at a loopback, private, link-local or otherwise internal address, which the SSRF guard refuses.', 'Call a public address, or allow-list the host or range in the http connector\'s `allowPrivate` (`PARLEY_HTTP_ALLOW_PRIVATE`).'),
  HTTP_INVALID_REQUEST: def('user', 422, 'The request cannot be built: bad URL or scheme, a header with a line break, or a template variable that was not given.', 'Fix the URL, header or template named in the message.'),
  HTTP_UNKNOWN_CREDENTIAL: def('user', 422, 'The request names a credential the http connector does not define, or uses it on a host it is not allowed for.', 'Define the credential in the http connector\'s `credentials` with the hosts it may be sent to.'),
  HTTP_RESPONSE_TOO_LARGE: def('operational', 502, 'The response body is larger than the connector\'s limit; it was aborted.', 'Ask the service for less data (filters, paging) or raise `maxResponseBytes`.'),
  HTTP_BAD_STATUS: def('operational', 502, 'The service answered with a non-success HTTP status.', 'Read the status in the message and check the request against the service\'s documentation.'),
  HTTP_BAD_RESPONSE: def('operational', 502, 'The response could not be read (invalid JSON) or the response mapping failed.', 'Check the service\'s response format and the binding\'s `map` expression.'),
  HTTP_TOO_MANY_REDIRECTS: def('operational', 502, 'The service redirected more times than allowed.', 'Call the final URL directly.'),
  HTTP_UNREACHABLE: def('operational', 502, 'The host could not be resolved or connected to.', 'Check the host name and that the service is up.'),
} as const satisfies Record<string, ErrorDefinition>;
