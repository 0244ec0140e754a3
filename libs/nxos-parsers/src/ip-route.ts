import { isIP } from 'node:net';
import { outputLines, unexpectedOutput } from './text';

const COMMAND = 'show ip route';

export interface IpRouteTable {
  vrfs: IpRouteVrf[];
}

export interface IpRouteVrf {
  name: string;
  routes: IpRoute[];
}

export interface IpRoute {
  /** CIDR, e.g. `0.0.0.0/0`. */
  prefix: string;
  /** Number of best unicast next hops. */
  ubest: number;
  /** Number of best multicast next hops. */
  mbest: number;
  nextHops: NextHop[];
}

export interface NextHop {
  /** The next-hop address; null when the route points at an interface only (`via Null0`). */
  address: string | null;
  /** The VRF of the next hop when it differs from the table's (`10.1.1.1%management`). */
  vrf: string | null;
  interface: string | null;
  /** Marked `*` (best unicast) or `**` (best multicast). */
  best: boolean;
  preference: number | null;
  metric: number | null;
  /** As printed: `00:00:22`, `6d02h`, `1w0d`, `1y16w`, `0.000000`. */
  age: string | null;
  /** Route source, e.g. `static`, `direct`, `local`, `ospf-10`, `bgp-65004`. */
  protocol: string | null;
}

const VRF_HEADER = /^IP Route Table for VRF "(?<name>[^"]+)"$/;
const LEGEND = /^'.*' (?:denotes|in via output denotes) /;
const ROUTE_NOT_FOUND = /^Route not found$/;
// The flags after the counts vary: `, attached`, `, pending`, ` time` (no comma) and more.
const ROUTE_LINE =
  /^(?<prefix>[0-9a-fA-F.:]+\/\d{1,3}), ubest\/mbest: (?<ubest>\d+)\/(?<mbest>\d+)(?:[, ].*)?$/;
const NEXT_HOP_LINE = /^\s+(?<stars>\*{0,2})via (?<fields>.+)$/;
const PREFERENCE_METRIC = /^\[(?<preference>\d+)\/(?<metric>\d+)\]$/;

/** Parses `show ip route [vrf NAME | vrf all]`. */
export function parseIpRoute(text: string): IpRouteTable {
  const vrfs: IpRouteVrf[] = [];
  let currentVrf: IpRouteVrf | null = null;
  let currentRoute: IpRoute | null = null;

  for (const line of outputLines(text)) {
    const trimmed = line.trim();
    if (trimmed === '' || LEGEND.test(trimmed) || ROUTE_NOT_FOUND.test(trimmed)) continue;

    const header = VRF_HEADER.exec(trimmed);
    if (header?.groups) {
      currentVrf = { name: header.groups.name, routes: [] };
      currentRoute = null;
      vrfs.push(currentVrf);
      continue;
    }

    const route = ROUTE_LINE.exec(line);
    if (route?.groups && currentVrf) {
      currentRoute = {
        prefix: route.groups.prefix,
        ubest: Number(route.groups.ubest),
        mbest: Number(route.groups.mbest),
        nextHops: [],
      };
      currentVrf.routes.push(currentRoute);
      continue;
    }

    const hop = NEXT_HOP_LINE.exec(line);
    if (hop?.groups && currentRoute) {
      currentRoute.nextHops.push(parseNextHop(hop.groups.stars, hop.groups.fields, line));
      continue;
    }

    throw unexpectedOutput(
      COMMAND,
      'a VRF header, a route line "PREFIX, ubest/mbest: U/M" or a "*via ..." line',
      line,
    );
  }

  return { vrfs };
}

// `10.1.1.1%management, Eth1/1, [1/0], 6d02h, static, tag 100`: the interface is optional,
// and anything after the protocol (route type, tag, segid...) is not kept.
function parseNextHop(stars: string, fields: string, line: string): NextHop {
  const parts = fields.split(',').map((part) => part.trim());
  const hop: NextHop = {
    address: null,
    vrf: null,
    interface: null,
    best: stars.length > 0,
    preference: null,
    metric: null,
    age: null,
    protocol: null,
  };

  const [target, ...rest] = parts;
  const [address, vrf] = target.split('%');
  if (isIP(address) !== 0) {
    hop.address = address;
    hop.vrf = vrf ?? null;
  } else if (/^[A-Za-z][\w/.:-]*$/.test(target)) {
    hop.interface = target;
  } else {
    throw unexpectedOutput(COMMAND, 'a next-hop address or interface after "via"', line);
  }

  const metricIndex = rest.findIndex((part) => PREFERENCE_METRIC.test(part));
  if (metricIndex < 0)
    throw unexpectedOutput(COMMAND, 'a "[preference/metric]" field in the next hop', line);
  if (metricIndex > 0) hop.interface = rest[0];

  const metric = PREFERENCE_METRIC.exec(rest[metricIndex])!.groups!;
  hop.preference = Number(metric.preference);
  hop.metric = Number(metric.metric);
  hop.age = rest[metricIndex + 1] || null;
  hop.protocol = rest[metricIndex + 2]?.split(' ')[0] || null;

  return hop;
}

/** The route for exactly this prefix in the given VRF, or null. */
export function findRoute(table: IpRouteTable, vrf: string, prefix: string): IpRoute | null {
  return table.vrfs.find((v) => v.name === vrf)?.routes.find((r) => r.prefix === prefix) ?? null;
}
