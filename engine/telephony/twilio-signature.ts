/**
 * `X-Twilio-Signature` checks, against the URL Twilio was configured with
 * (`PUBLIC_URL` + path and query), never the Host header a proxy may rewrite.
 * Twilio signs webhooks over the URL plus the sorted POST parameters, and the
 * Media Stream's WebSocket upgrade over the `<Stream url>` with no parameters.
 *
 * Only the `twilio` package's webhook module is imported (a few ms), not the
 * whole REST client (hundreds of ms), so server start stays fast.
 */
import { validateRequest } from 'twilio/lib/webhooks/webhooks.js';

/** Whether `signature` is Twilio's signature of `url` and `params` under `authToken`. Never throws. */
export function isValidTwilioSignature(authToken: string, signature: unknown, url: string, params: Record<string, unknown> = {}): boolean {
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > 256) return false;
  try {
    return validateRequest(authToken, signature, url, params);
  } catch {
    return false;
  }
}

/** The public URL of a path on this server, as Twilio sees it (`https://host/path?query`). */
export function publicUrlOf(publicUrl: string, pathAndQuery: string): string {
  return publicUrl.replace(/\/+$/, '') + pathAndQuery;
}

/** The `wss://` URL of the media stream for a public `https://` base (`ws://` for `http://`, in local setups). */
export function mediaStreamUrl(publicUrl: string, path = '/twilio/media'): string {
  return publicUrl.replace(/\/+$/, '').replace(/^http/, 'ws') + path;
}
