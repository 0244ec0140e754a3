import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { transcriptOutput } from '../fixtures/load';
import { findDnatRules, parseIptablesList } from './iptables';

const NUMERIC_LISTING = `Chain PREROUTING (policy ACCEPT)
target     prot opt source               destination
DOCKER     all  --  0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type LOCAL

Chain INPUT (policy ACCEPT)
target     prot opt source               destination

Chain OUTPUT (policy ACCEPT)
target     prot opt source               destination
DOCKER     all  --  0.0.0.0/0           !127.0.0.0/8          ADDRTYPE match dst-type LOCAL

Chain POSTROUTING (policy ACCEPT)
target     prot opt source               destination
MASQUERADE  all  --  172.17.0.0/16        0.0.0.0/0
MASQUERADE  tcp  --  172.17.0.2           172.17.0.2           tcp dpt:80

Chain DOCKER (2 references)
target     prot opt source               destination
RETURN     all  --  0.0.0.0/0            0.0.0.0/0
DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:30080 to:172.17.0.2:80`;

describe('parseIptablesList', () => {
  it('reads the nat table of the reference transcript (names, not numbers)', () => {
    const listing = parseIptablesList(
      transcriptOutput('ip netns exec management iptables -L -t nat'),
    );

    assert.deepEqual(
      listing.chains.map((c) => [c.name, c.policy, c.rules.length]),
      [
        ['PREROUTING', 'ACCEPT', 1],
        ['INPUT', 'ACCEPT', 0],
        ['OUTPUT', 'ACCEPT', 1],
        ['POSTROUTING', 'ACCEPT', 2],
        ['DOCKER', null, 2],
      ],
    );
    assert.deepEqual(listing.chains[2].rules[0], {
      target: 'DOCKER',
      protocol: 'all',
      source: 'anywhere',
      destination: '!127.0.0.0/8',
      options: 'ADDRTYPE match dst-type LOCAL',
    });
    assert.deepEqual(listing.chains[3].rules[1].options, 'tcp dpt:http');
    assert.deepEqual(listing.chains[4].rules[1], {
      target: 'DNAT',
      protocol: 'tcp',
      source: 'anywhere',
      destination: 'anywhere',
      options: 'tcp dpt:30080 to:172.17.0.2:80',
    });
  });

  it('reads the numeric form (-n) and finds the DNAT rule of each published port', () => {
    const listing = parseIptablesList(
      `root@N9K# ip netns exec management iptables -L -t nat -n\r\n${NUMERIC_LISTING.replace(/\n/g, '\r\n')}\r\nroot@N9K#`,
    );

    assert.equal(listing.chains[0].rules[0].source, '0.0.0.0/0');
    assert.deepEqual(
      findDnatRules(listing).map(({ hostPort, toAddress, toPort }) => ({
        hostPort,
        toAddress,
        toPort,
      })),
      [{ hostPort: 30080, toAddress: '172.17.0.2', toPort: 80 }],
    );
    assert.deepEqual(listing.chains[1].rules, []);
  });

  it('refuses text that is not an iptables listing with UNEXPECTED_OUTPUT', () => {
    assert.throws(
      () =>
        parseIptablesList(
          "iptables v1.4.21: can't initialize iptables table `nat': Permission denied",
        ),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'UNEXPECTED_OUTPUT' &&
        /Chain NAME/.test(err.message),
    );
  });
});
