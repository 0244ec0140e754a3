import { parseFeatures } from './feature';
import { parseIpInterfaceBrief } from './ip-interface-brief';
import { parseIpRoute } from './ip-route';
import { parseIptablesList } from './iptables';
import { parseChkconfigList, parseNetnsList } from './linux';
import { parseInterfaceConfig } from './running-config';
import { parseDockerPs, parseDockerServiceStatus } from './docker';
import { parseShowVersion } from './version';

export interface CommandParser {
  /** The command in full, as documented. */
  name: string;
  parse(text: string): unknown;
  /** True when `words` (already lower-cased, any prefix removed) name this command. */
  matches(words: string[]): boolean;
}

/**
 * NX-OS accepts any unambiguous prefix of each keyword (`sh ip int br`), and an optional
 * trailing `vrf NAME` on the commands that take one.
 */
function nxosCommand(
  name: string,
  options: { vrf?: boolean; argument?: string } = {},
): (words: string[]) => boolean {
  const keywords = name.split(' ');
  return (words) => {
    let rest = words;
    if (
      options.vrf &&
      rest.length === keywords.length + 2 &&
      'vrf'.startsWith(rest[keywords.length]) &&
      rest[keywords.length].length >= 2
    ) {
      rest = rest.slice(0, keywords.length);
    }
    if (options.argument !== undefined) {
      if (rest.length !== keywords.length + 1 || rest[keywords.length] !== options.argument)
        return false;
      rest = rest.slice(0, keywords.length);
    }
    return (
      rest.length === keywords.length &&
      rest.every((word, i) => word.length > 0 && keywords[i].startsWith(word))
    );
  };
}

/** A Linux command: these words exactly, plus any of the allowed extra flags. */
function linuxCommand(
  required: string[],
  optionalFlags: string[] = [],
): (words: string[]) => boolean {
  return (words) =>
    required.every((word) => words.includes(word)) &&
    words.every((word) => required.includes(word) || optionalFlags.includes(word)) &&
    words[0] === required[0];
}

export const COMMAND_PARSERS: readonly CommandParser[] = [
  {
    name: 'show ip interface brief',
    parse: parseIpInterfaceBrief,
    matches: nxosCommand('show ip interface brief', { vrf: true }),
  },
  {
    name: 'show ip route',
    parse: parseIpRoute,
    matches: nxosCommand('show ip route', { vrf: true }),
  },
  { name: 'show feature', parse: parseFeatures, matches: nxosCommand('show feature') },
  { name: 'show version', parse: parseShowVersion, matches: nxosCommand('show version') },
  {
    name: 'show running-config interface mgmt0',
    parse: parseInterfaceConfig,
    matches: nxosCommand('show running-config interface', { argument: 'mgmt0' }),
  },
  {
    name: 'iptables -L -t nat',
    parse: parseIptablesList,
    matches: linuxCommand(['iptables', '-l', '-t', 'nat'], ['-n', '-v']),
  },
  {
    name: 'docker ps',
    parse: parseDockerPs,
    matches: linuxCommand(['docker', 'ps'], ['-a', '--no-trunc']),
  },
  {
    name: 'service docker status',
    parse: parseDockerServiceStatus,
    matches: linuxCommand(['service', 'docker', 'status']),
  },
  {
    name: 'chkconfig --list docker',
    parse: parseChkconfigList,
    matches: linuxCommand(['chkconfig', '--list', 'docker']),
  },
  {
    name: 'ip netns show',
    parse: parseNetnsList,
    matches: (words) => words.join(' ') === 'ip netns show' || words.join(' ') === 'ip netns list',
  },
];

// Wrappers that run a command elsewhere without changing its output.
const PREFIXES = [/^run bash (?:sudo )?/, /^ip netns exec \S+ /, /^sudo /];

/**
 * Finds the parser for a command line as a user or tool would type it. Returns null when
 * no parser knows it.
 */
export function findCommandParser(commandLine: string): CommandParser | null {
  let line = commandLine.trim().replace(/\s+/g, ' ');
  for (let changed = true; changed;) {
    changed = false;
    for (const prefix of PREFIXES) {
      const stripped = line.replace(prefix, '');
      if (stripped !== line) {
        line = stripped;
        changed = true;
      }
    }
  }

  const words = line.split(' ').map((word) => word.toLowerCase());
  const found = COMMAND_PARSERS.filter((parser) => parser.matches(words));
  return found.length === 1 ? found[0] : null;
}
