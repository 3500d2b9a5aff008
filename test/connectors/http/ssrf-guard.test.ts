import { describe, expect, it } from 'vitest';
import { checkTarget, embeddedIpv4, internalReason, parseAllowList, parseIp } from '../../../connectors/http/ssrf-guard.js';

const reason = (ip: string) => internalReason(parseIp(ip)!);

describe('SSRF guard: address classification', () => {
  it('parses IPv4, IPv6, compressed forms, IPv4 tails, brackets and zones', () => {
    expect(parseIp('10.1.2.3')).toEqual({ version: 4, bytes: [10, 1, 2, 3] });
    expect(parseIp('::1')!.bytes).toEqual([...Array(15).fill(0), 1]);
    expect(parseIp('[fe80::1%eth0]')!.bytes.slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(parseIp('::ffff:127.0.0.1')!.bytes.slice(10)).toEqual([0xff, 0xff, 127, 0, 0, 1]);
    expect(parseIp('::ffff:7f00:1')).toEqual(parseIp('::ffff:127.0.0.1'));
    expect(parseIp('example.com')).toBeUndefined();
    expect(parseIp('999.1.1.1')).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'a private network'],
    ['172.16.5.4', 'a private network'],
    ['172.31.255.255', 'a private network'],
    ['192.168.1.1', 'a private network'],
    ['169.254.169.254', 'link-local (cloud metadata lives here)'],
    ['100.64.0.1', 'the carrier-grade NAT range'],
    ['0.0.0.0', 'the "this network" range'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'a reserved range'],
    ['198.18.0.1', 'the benchmarking range'],
    ['::1', 'loopback'],
    ['::', 'the unspecified address'],
    ['fd12:3456::1', 'a unique local (private) network'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'a documentation range'],
    ['::ffff:127.0.0.1', 'loopback (an IPv4 address inside IPv6)'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata lives here) (an IPv4 address inside IPv6)'],
    ['64:ff9b::a00:1', 'a private network (an IPv4 address inside IPv6)'],
    ['2002:c0a8:0101::1', 'a private network (an IPv4 address inside IPv6)'],
    ['::10.0.0.1', 'a private network (an IPv4 address inside IPv6)'],
  ])('%s is internal: %s', (ip, why) => {
    expect(reason(ip)).toBe(why);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:0808:0808::1', '64:ff9b::808:808'])('%s is public', (ip) => {
    expect(reason(ip)).toBeUndefined();
  });

  it('finds IPv4 inside IPv6 only where it is', () => {
    expect(embeddedIpv4(parseIp('2606:4700::1')!)).toBeUndefined();
    expect(embeddedIpv4(parseIp('::1')!)).toBeUndefined();
  });
});

describe('SSRF guard: resolving and allow-listing', () => {
  const resolver = (answers: Record<string, string[]>) => async (host: string) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('checks every resolved address, not just the first', async () => {
    const resolve = resolver({ 'mixed.example': ['93.184.215.14', '10.0.0.5'] });
    await expect(checkTarget('mixed.example', parseAllowList([]), resolve)).rejects.toThrow('mixed.example resolves to 10.0.0.5, which is a private network');
  });

  it('returns the address to pin the connection to', async () => {
    const resolve = resolver({ 'api.example': ['93.184.215.14', '2606:4700::1'] });
    await expect(checkTarget('api.example', parseAllowList([]), resolve)).resolves.toEqual({ address: '93.184.215.14', family: 4 });
  });

  it('allows internal targets by IP, range, host name or suffix', async () => {
    const resolve = resolver({ 'crm.internal': ['10.1.2.3'], 'a.corp.example': ['192.168.7.7'], localhost: ['127.0.0.1', '::1'] });
    await expect(checkTarget('10.9.9.9', parseAllowList(['10.0.0.0/8']), resolve)).resolves.toMatchObject({ address: '10.9.9.9' });
    await expect(checkTarget('crm.internal', parseAllowList(['crm.internal']), resolve)).resolves.toMatchObject({ address: '10.1.2.3' });
    await expect(checkTarget('a.corp.example', parseAllowList(['*.corp.example']), resolve)).resolves.toMatchObject({ address: '192.168.7.7' });
    await expect(checkTarget('[::ffff:127.0.0.1]', parseAllowList(['127.0.0.1']), resolve)).resolves.toMatchObject({ address: '::ffff:127.0.0.1' });
    // 127.0.0.1 allowed, but localhost also resolves to ::1, which is not.
    await expect(checkTarget('localhost', parseAllowList(['127.0.0.1']), resolve)).rejects.toThrow('localhost resolves to ::1, which is loopback');
  });

  it('reports names that do not resolve as unreachable, not forbidden', async () => {
    await expect(checkTarget('nowhere.example', parseAllowList([]), resolver({}))).rejects.toMatchObject({ unresolvable: true });
  });

  it('reports allow-list entries it cannot read', () => {
    expect(parseAllowList(['10.0.0.0/33', 'not a host', '127.0.0.1']).invalid).toEqual(['10.0.0.0/33', 'not a host']);
  });
});
