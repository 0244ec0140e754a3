import { outputLines, unexpectedOutput } from './text';

const COMMAND = 'show ip interface brief';

export interface IpInterfaceBrief {
  vrfs: IpInterfaceVrf[];
}

export interface IpInterfaceVrf {
  name: string;
  /** The VRF id NX-OS prints after the name, e.g. `(2)` for management; null if absent. */
  id: number | null;
  interfaces: IpInterfaceStatus[];
}

export interface IpInterfaceStatus {
  name: string;
  /** As printed: an IPv4 address, `unnumbered` or `forward-enabled`. */
  address: string;
  protocol: string;
  link: string;
  admin: string;
}

const VRF_HEADER = /^IP Interface Status for VRF "(?<name>[^"]+)"(?:\((?<id>\d+)\))?$/;
const COLUMN_HEADER = /^Interface\s+IP Address\s+Interface Status$/;
const INTERFACE_ROW =
  /^(?<name>\S+)\s+(?<address>\d{1,3}(?:\.\d{1,3}){3}|unnumbered|forward-enabled)\s+protocol-(?<protocol>[a-z-]+?)\/link-(?<link>[a-z-]+?)\/admin-(?<admin>[a-z-]+)$/;
// `unnumbered` rows carry the interface they borrow from on the next line: `(loopback0)`.
const CONTINUATION = /^\s+\(\S+\)$/;

/** Parses `show ip interface brief [vrf NAME | vrf all]`. */
export function parseIpInterfaceBrief(text: string): IpInterfaceBrief {
  const vrfs: IpInterfaceVrf[] = [];
  let current: IpInterfaceVrf | null = null;

  for (const line of outputLines(text)) {
    if (line.trim() === '' || COLUMN_HEADER.test(line.trim())) continue;

    const header = VRF_HEADER.exec(line.trim());
    if (header?.groups) {
      current = {
        name: header.groups.name,
        id: header.groups.id ? Number(header.groups.id) : null,
        interfaces: [],
      };
      vrfs.push(current);
      continue;
    }

    if (CONTINUATION.test(line) && current && current.interfaces.length > 0) continue;

    const row = INTERFACE_ROW.exec(line);
    if (!row?.groups || !current) {
      throw unexpectedOutput(
        COMMAND,
        'a VRF header or an interface row "NAME ADDRESS protocol-X/link-Y/admin-Z"',
        line,
      );
    }
    const { name, address, protocol, link, admin } = row.groups;
    current.interfaces.push({ name, address, protocol, link, admin });
  }

  return { vrfs };
}

/** The interface's row in the given VRF, or null. Interface names compare case-insensitively. */
export function findInterface(
  parsed: IpInterfaceBrief,
  vrf: string,
  name: string,
): IpInterfaceStatus | null {
  const block = parsed.vrfs.find((v) => v.name === vrf);
  return block?.interfaces.find((i) => i.name.toLowerCase() === name.toLowerCase()) ?? null;
}
