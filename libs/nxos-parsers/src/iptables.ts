import { outputLines, unexpectedOutput } from './text';

const COMMAND = 'iptables -L -t nat';

export interface IptablesListing {
  chains: IptablesChain[];
}

export interface IptablesChain {
  name: string;
  /** Built-in chains have a policy (`ACCEPT`); user chains such as `DOCKER (2 references)` have null. */
  policy: string | null;
  rules: IptablesRule[];
}

export interface IptablesRule {
  /** Empty for a rule that only counts. */
  target: string;
  protocol: string;
  source: string;
  destination: string;
  /** Everything after the destination, e.g. `tcp dpt:30080 to:172.17.0.2:80`; '' when none. */
  options: string;
}

const CHAIN_HEADER = /^Chain (?<name>\S+) \((?:policy (?<policy>[A-Z]+)[^)]*|\d+ references)\)$/;
const COLUMN_HEADER = /^target\s+prot\s+opt\s+source\s+destination$/;
const RULE =
  /^(?<target>\S*)\s+(?<protocol>\S+)\s+(?:--|-f|!f)\s+(?<source>\S+)\s+(?<destination>\S+)(?:\s+(?<options>.*))?$/;

/** Parses `iptables -L -t nat` with or without `-n`. */
export function parseIptablesList(text: string): IptablesListing {
  const chains: IptablesChain[] = [];
  let current: IptablesChain | null = null;

  for (const line of outputLines(text)) {
    if (line.trim() === '' || COLUMN_HEADER.test(line)) continue;

    const header = CHAIN_HEADER.exec(line);
    if (header?.groups) {
      current = { name: header.groups.name, policy: header.groups.policy ?? null, rules: [] };
      chains.push(current);
      continue;
    }

    const rule = RULE.exec(line);
    if (!rule?.groups || !current) {
      throw unexpectedOutput(
        COMMAND,
        'a "Chain NAME (...)" header or a rule "TARGET PROT OPT SOURCE DESTINATION"',
        line,
      );
    }
    const { target, protocol, source, destination, options } = rule.groups;
    current.rules.push({ target, protocol, source, destination, options: options?.trim() ?? '' });
  }

  if (chains.length === 0)
    throw unexpectedOutput(
      COMMAND,
      'at least one "Chain NAME (...)" header',
      lineOrUndefined(text),
    );
  return { chains };
}

function lineOrUndefined(text: string): string | undefined {
  return outputLines(text)[0];
}

/** A DNAT rule forwarding `tcp dpt:PORT` somewhere, with the address and port it goes to. */
export interface DnatRule {
  hostPort: number;
  toAddress: string;
  toPort: number;
  rule: IptablesRule;
}

const DNAT_OPTIONS =
  /(?:^|\s)tcp dpt:(?<hostPort>\d+)\s+to:(?<toAddress>[0-9.]+):(?<toPort>\d+)(?:\s|$)/;

/** Every DNAT rule of the chain (default `DOCKER`) that names a numeric port (needs `-n` for well-known ports). */
export function findDnatRules(listing: IptablesListing, chain = 'DOCKER'): DnatRule[] {
  const rules = listing.chains.find((c) => c.name === chain)?.rules ?? [];
  return rules.flatMap((rule) => {
    const match = rule.target === 'DNAT' ? DNAT_OPTIONS.exec(rule.options) : null;
    if (!match?.groups) return [];
    return [
      {
        hostPort: Number(match.groups.hostPort),
        toAddress: match.groups.toAddress,
        toPort: Number(match.groups.toPort),
        rule,
      },
    ];
  });
}
