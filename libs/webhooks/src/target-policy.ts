import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { NetworkList } from '@switchyard/config';
import { WebhookTargetError } from './errors';

/**
 * Addresses and ranges never contacted, whatever the allow-list says. The cloud metadata
 * endpoints come first: 100.100.100.200 lies inside CGNAT, which the allow-list may open.
 * (BlockList also matches IPv4-mapped IPv6 forms such as ::ffff:a9fe:a9fe.)
 */
const ALWAYS_REFUSED = ranges([
  ['169.254.169.254', 32, 'cloud metadata'],
  ['fd00:ec2::254', 128, 'cloud metadata'],
  ['100.100.100.200', 32, 'cloud metadata'],
  ['169.254.0.0', 16, 'link-local'],
  ['fe80::', 10, 'link-local'],
  ['224.0.0.0', 4, 'multicast'],
  ['ff00::', 8, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
]);

/** Ranges contacted only when SWITCHYARD_WEBHOOK_ALLOW covers the address. */
const REFUSED_UNLESS_ALLOWED = ranges([
  ['127.0.0.0', 8, 'loopback'],
  ['::1', 128, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['fc00::', 7, 'unique-local'],
  ['0.0.0.0', 8, 'unspecified'],
  ['::', 128, 'unspecified'],
]);

export interface CheckedTarget {
  url: URL;
  /** The address the request must connect to: the one that was checked. */
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has; `dns.lookup` unless a test injects one. */
export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

const resolveWithDns: ResolveHost = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Applies the webhook address policy to a URL: resolves its host and refuses it when any
 * address is link-local, a metadata endpoint or otherwise never allowed, or is loopback,
 * private, CGNAT, unique-local or unspecified without being in the allow-list. Returns the
 * address to connect to, so that DNS cannot change between the check and the connection.
 */
export async function checkWebhookTarget(
  rawUrl: string,
  allow: NetworkList,
  resolve: ResolveHost = resolveWithDns,
): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookTargetError(`"${rawUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookTargetError('a webhook URL must use http or https');
  }
  if (url.username || url.password) {
    throw new WebhookTargetError(
      'a webhook URL must not carry a user name or password; authenticate requests with the signature instead',
    );
  }

  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(hostname)) {
    addresses = [{ address: hostname, family: isIP(hostname) }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch (err) {
      throw new WebhookTargetError(
        `the host "${hostname}" does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (addresses.length === 0) throw new WebhookTargetError(`the host "${hostname}" has no address`);

  // Every address must pass: a name that also resolves to a refused address is refused,
  // since the connection could otherwise be steered to it.
  for (const { address } of addresses) {
    const refusal = refusalOf(address, allow);
    if (refusal) throw new WebhookTargetError(`"${hostname}" resolves to ${address}, ${refusal}`);
  }

  const chosen = addresses[0].address;
  return { url, address: chosen, family: isIP(chosen) as 4 | 6 };
}

/** Why the address is refused, or null when it may be contacted. */
export function refusalOf(address: string, allow: NetworkList): string | null {
  const family = isIP(address);
  if (family === 0) return 'which is not an IP address';
  const type = family === 6 ? 'ipv6' : 'ipv4';

  const always = ALWAYS_REFUSED.find((r) => r.list.check(address, type));
  if (always) return `a ${always.kind} address, which webhooks never contact`;

  const restricted = REFUSED_UNLESS_ALLOWED.find((r) => r.list.check(address, type));
  if (restricted && !allow.has(address)) {
    return `a ${restricted.kind} address outside SWITCHYARD_WEBHOOK_ALLOW; add its network there to allow it`;
  }
  return null;
}

/**
 * A `lookup` for http.request that answers with the checked address only, whatever the
 * host name, so the connection goes where the policy looked.
 */
export function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      (
        callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void
      )(null, [{ address: target.address, family: target.family }]);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

function ranges(entries: [string, number, string][]): { list: BlockList; kind: string }[] {
  return entries.map(([network, prefix, kind]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, isIP(network) === 6 ? 'ipv6' : 'ipv4');
    return { list, kind };
  });
}
