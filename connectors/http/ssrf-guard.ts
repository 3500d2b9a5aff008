/**
 * The SSRF guard: decides whether the http connector may connect to an
 * address. Internal targets — loopback, private networks, link-local (cloud
 * metadata at 169.254.169.254), carrier-grade NAT, multicast, documentation and
 * reserved ranges, in IPv4 and IPv6, including IPv4 addresses wrapped in IPv6
 * (`::ffff:127.0.0.1`, NAT64, 6to4) — are refused unless allow-listed.
 *
 * Host names are resolved first and every resolved address is checked; the
 * connection is then pinned to a checked address, so a second DNS answer
 * (rebinding) cannot swap in an internal one.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** An IP address as bytes (4 or 16). */
export interface IpAddress {
  version: 4 | 6;
  bytes: number[];
}

/** Parses dotted IPv4 or IPv6 (with `::`, an IPv4 tail, brackets or a zone id); undefined when not an IP. */
export function parseIp(text: string): IpAddress | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const kind = isIP(s);
  if (kind === 4) return { version: 4, bytes: s.split('.').map(Number) };
  if (kind !== 6) return undefined;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = s.slice(lastColon + 1).split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const missing = 8 - headGroups.length - restGroups.length;
  const groups = rest === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...restGroups];
  const bytes: number[] = [];
  for (const g of groups) {
    const n = parseInt(g || '0', 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return { version: 6, bytes };
}

function inPrefix(bytes: readonly number[], base: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit++) {
    const i = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((bytes[i]! & mask) !== (base[i]! & mask)) return false;
  }
  return true;
}

const V4_BLOCKED: ReadonlyArray<readonly [number[], number, string]> = [
  [[0, 0, 0, 0], 8, 'the "this network" range'],
  [[10, 0, 0, 0], 8, 'a private network'],
  [[100, 64, 0, 0], 10, 'the carrier-grade NAT range'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local (cloud metadata lives here)'],
  [[172, 16, 0, 0], 12, 'a private network'],
  [[192, 0, 0, 0], 24, 'the IETF protocol range'],
  [[192, 0, 2, 0], 24, 'a documentation range'],
  [[192, 88, 99, 0], 24, 'the 6to4 relay range'],
  [[192, 168, 0, 0], 16, 'a private network'],
  [[198, 18, 0, 0], 15, 'the benchmarking range'],
  [[198, 51, 100, 0], 24, 'a documentation range'],
  [[203, 0, 113, 0], 24, 'a documentation range'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'a reserved range'],
];

const v6 = (text: string) => parseIp(text)!.bytes;
const V6_BLOCKED: ReadonlyArray<readonly [number[], number, string]> = [
  [v6('::'), 128, 'the unspecified address'],
  [v6('::1'), 128, 'loopback'],
  [v6('64:ff9b:1::'), 48, 'the local NAT64 range'],
  [v6('100::'), 64, 'the discard range'],
  [v6('2001::'), 32, 'Teredo'],
  [v6('2001:db8::'), 32, 'a documentation range'],
  [v6('2001::'), 23, 'the IETF protocol range'],
  [v6('fc00::'), 7, 'a unique local (private) network'],
  [v6('fe80::'), 10, 'link-local'],
  [v6('fec0::'), 10, 'site-local'],
  [v6('ff00::'), 8, 'multicast'],
];

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.version !== 6) return undefined;
  const b = ip.bytes;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return { version: 4, bytes: b.slice(12) }; // ::ffff:a.b.c.d
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && b[15] === 1)) return { version: 4, bytes: b.slice(12) }; // ::a.b.c.d (deprecated)
  if (inPrefix(b, v6('64:ff9b::'), 96)) return { version: 4, bytes: b.slice(12) }; // NAT64
  if (b[0] === 0x20 && b[1] === 0x02) return { version: 4, bytes: b.slice(2, 6) }; // 6to4
  return undefined;
}

/** Why an address is internal, or undefined when it is public. */
export function internalReason(ip: IpAddress): string | undefined {
  const inner = embeddedIpv4(ip);
  if (inner) {
    const reason = internalReason(inner);
    return reason ? `${reason} (an IPv4 address inside IPv6)` : undefined;
  }
  const table = ip.version === 4 ? V4_BLOCKED : V6_BLOCKED;
  return table.find(([base, prefix]) => inPrefix(ip.bytes, base, prefix))?.[2];
}

/** One allow-list entry: an IP, a CIDR range, a host name, or `*.suffix`. */
type AllowEntry = { kind: 'range'; base: IpAddress; prefix: number } | { kind: 'host'; name: string } | { kind: 'suffix'; suffix: string };

/** A parsed allow-list; entries that are not IPs, ranges or host names are reported. */
export interface AllowList {
  entries: AllowEntry[];
  invalid: string[];
}

export function parseAllowList(items: readonly string[]): AllowList {
  const entries: AllowEntry[] = [];
  const invalid: string[] = [];
  for (const raw of items) {
    const item = raw.trim().toLowerCase();
    const [addr, bits] = item.split('/') as [string, string | undefined];
    const ip = parseIp(addr);
    if (ip) {
      const max = ip.version === 4 ? 32 : 128;
      const prefix = bits === undefined ? max : Number(bits);
      if (Number.isInteger(prefix) && prefix >= 0 && prefix <= max) entries.push({ kind: 'range', base: ip, prefix });
      else invalid.push(raw);
    } else if (/^\*\.[a-z0-9.-]+$/.test(item)) entries.push({ kind: 'suffix', suffix: item.slice(1) });
    else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(item)) entries.push({ kind: 'host', name: item });
    else invalid.push(raw);
  }
  return { entries, invalid };
}

/** Whether a host name (or suffix) in the allow-list matches `hostname`. */
export function hostAllowed(allow: AllowList, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allow.entries.some((e) => (e.kind === 'host' && e.name === host) || (e.kind === 'suffix' && host.endsWith(e.suffix)));
}

/** Whether an address falls in an allow-listed range (IPv4 inside IPv6 counts as IPv4). */
export function addressAllowed(allow: AllowList, ip: IpAddress): boolean {
  const candidates = [ip, embeddedIpv4(ip)].filter((x): x is IpAddress => Boolean(x));
  return allow.entries.some((e) => e.kind === 'range' && candidates.some((c) => c.version === e.base.version && inPrefix(c.bytes, e.base.bytes, e.prefix)));
}

/** A resolved address the connection may use. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Why a target was refused, for the error message. */
export class TargetRefused extends Error {
  constructor(message: string, readonly unresolvable = false) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/**
 * Resolves `hostname` and checks every address. Resolves to the address to
 * connect to; rejects with `TargetRefused` naming the first internal address.
 */
export async function checkTarget(hostname: string, allow: AllowList, resolve: Resolver = systemResolver): Promise<CheckedAddress> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const literal = parseIp(bare);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) addresses = [{ address: bare, family: literal.version }];
  else {
    try {
      addresses = await resolve(bare);
    } catch (error) {
      throw new TargetRefused(`${bare} could not be resolved: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, true);
    }
    if (addresses.length === 0) throw new TargetRefused(`${bare} resolved to no address`, true);
  }
  const hostIsAllowed = hostAllowed(allow, bare);
  for (const { address } of addresses) {
    const ip = parseIp(address);
    if (!ip) throw new TargetRefused(`${bare} resolved to ${address}, which is not an IP address`);
    const reason = internalReason(ip);
    if (reason && !hostIsAllowed && !addressAllowed(allow, ip)) {
      throw new TargetRefused(literal ? `${bare} is ${reason}` : `${bare} resolves to ${address}, which is ${reason}`);
    }
  }
  const first = addresses[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
