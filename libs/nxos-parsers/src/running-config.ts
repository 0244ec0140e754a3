import { outputLines, unexpectedOutput } from './text';

const COMMAND = 'show running-config interface mgmt0';

export interface InterfaceConfig {
  name: string;
  /** `vrf member NAME`; null when the interface is in the default VRF. */
  vrf: string | null;
  /** `ip address dhcp`. */
  dhcp: boolean;
  /** The primary static address with its prefix length (`192.168.1.10/24`); null if none. */
  address: string | null;
  secondaryAddresses: string[];
  shutdown: boolean;
}

const INTERFACE = /^interface (?<name>\S+)$/;
const VRF_MEMBER = /^vrf member (?<vrf>\S+)$/;
const IP_ADDRESS =
  /^ip address (?<address>\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2})(?<secondary> secondary)?$/;
// Lines around the block that `show running-config` always prints.
const PREAMBLE = /^(?:!.*|version .*)$/;

/** Parses `show running-config interface NAME` for one interface (mgmt0 in practice). */
export function parseInterfaceConfig(text: string): InterfaceConfig {
  let config: InterfaceConfig | null = null;

  for (const raw of outputLines(text)) {
    const line = raw.trim();
    if (line === '') continue;

    const header = INTERFACE.exec(line);
    if (header?.groups) {
      if (config) throw unexpectedOutput(COMMAND, 'the configuration of one interface', line);
      config = {
        name: header.groups.name,
        vrf: null,
        dhcp: false,
        address: null,
        secondaryAddresses: [],
        shutdown: false,
      };
      continue;
    }
    if (!config) {
      if (PREAMBLE.test(line)) continue;
      throw unexpectedOutput(COMMAND, 'an "interface NAME" line', line);
    }

    const vrf = VRF_MEMBER.exec(line);
    const address = IP_ADDRESS.exec(line);
    if (vrf?.groups) config.vrf = vrf.groups.vrf;
    else if (line === 'ip address dhcp') config.dhcp = true;
    else if (address?.groups?.secondary) config.secondaryAddresses.push(address.groups.address);
    else if (address?.groups) config.address = address.groups.address;
    else if (line === 'shutdown') config.shutdown = true;
    else if (line === 'no shutdown') config.shutdown = false;
    // Other interface settings (description, mtu, ...) do not matter to the steps.
  }

  if (!config) throw unexpectedOutput(COMMAND, 'an "interface NAME" line', outputLines(text)[0]);
  return config;
}
