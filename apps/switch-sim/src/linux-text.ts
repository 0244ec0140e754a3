import { formatCtime } from './clock';
import { broadcastOf, netmaskOf, randomHex, type DeviceState } from './device-state';

/** Output of the first `service docker start` after dd, as printed by mke2fs and tune2fs. */
export function mkfsOutput(storageMb: number, createdAt: Date): string {
  const blocks = Math.floor((storageMb * 1_000_000) / 1024);
  const reserved = Math.floor(blocks / 100);
  const groups = Math.ceil(blocks / 8192);
  const inodesPerGroup = 2040;
  const inodes = groups * inodesPerGroup;
  const uuid = (): string =>
    `${randomHex(4)}-${randomHex(2)}-${randomHex(2)}-${randomHex(2)}-${randomHex(6)}`;
  const created = formatCtime(createdAt);
  const written = formatCtime(new Date(createdAt.getTime() + 1000));

  return [
    'mke2fs 1.42.9 (28-Dec-2013)',
    "fs_types for mke2fs.conf resolution: 'ext4', 'small'",
    'Discarding device blocks: done                            ',
    'Discard succeeded and will return 0s - skipping inode table wipe',
    'Filesystem label=',
    'OS type: Linux',
    'Block size=1024 (log=0)',
    'Fragment size=1024 (log=0)',
    'Stride=0 blocks, Stripe width=0 blocks',
    `${inodes} inodes, ${blocks} blocks`,
    `${reserved} blocks (1.00%) reserved for the super user`,
    'First data block=1',
    'Maximum filesystem blocks=67633152',
    `${groups} block groups`,
    '8192 blocks per group, 8192 fragments per group',
    `${inodesPerGroup} inodes per group`,
    'Superblock backups stored on blocks: ',
    '        8193, 24577, 40961, 57345, 73729, 204801, 221185',
    '',
    'Allocating group tables: done                            ',
    'Writing inode tables: done                            ',
    'Creating journal (8192 blocks): done',
    'Writing superblocks and filesystem accounting information: done ',
    '',
    'tune2fs 1.42.9 (28-Dec-2013)',
    'Filesystem volume name:   <none>',
    'Last mounted on:          <not available>',
    `Filesystem UUID:          ${uuid()}`,
    'Filesystem magic number:  0xEF53',
    'Filesystem revision #:    1 (dynamic)',
    'Filesystem features:      has_journal ext_attr resize_inode dir_index filetype extent flex_bg sparse_super huge_file uninit_bg dir_nlink extra_isize',
    'Filesystem flags:         signed_directory_hash ',
    'Default mount options:    user_xattr acl',
    'Filesystem state:         clean',
    'Errors behavior:          Continue',
    'Filesystem OS type:       Linux',
    `Inode count:              ${inodes}`,
    `Block count:              ${blocks}`,
    `Reserved block count:     ${reserved}`,
    `Free blocks:              ${Math.floor(blocks * 0.9333)}`,
    `Free inodes:              ${inodes - 11}`,
    'First block:              1',
    'Block size:               1024',
    'Fragment size:            1024',
    'Reserved GDT blocks:      256',
    'Blocks per group:         8192',
    'Fragments per group:      8192',
    `Inodes per group:         ${inodesPerGroup}`,
    'Inode blocks per group:   255',
    'Flex block group size:    16',
    `Filesystem created:       ${created}`,
    'Last mount time:          n/a',
    `Last write time:          ${written}`,
    'Mount count:              0',
    'Maximum mount count:      -1',
    `Last checked:             ${created}`,
    'Check interval:           0 (<none>)',
    'Lifetime writes:          8 MB',
    'Reserved blocks uid:      0 (user root)',
    'Reserved blocks gid:      0 (group root)',
    'First inode:              11',
    'Inode size:               128',
    'Journal inode:            8',
    'Default directory hash:   half_md4',
    `Directory Hash Seed:      ${uuid()}`,
    'Journal backup:           inode blocks',
    '',
  ].join('\n');
}

export const LOSETUP_WARNING =
  'losetup: /bootflash/dockerpart: Warning: file does not fit into a 512-byte sector; the end of the file will be ignored.\n';

export const CERTIFICATES_AND_START =
  "Updating certificates in /etc/ssl/certs...\n0 added, 0 removed; done.\nRunning hooks in /etc/ca-certificates/update.d...\ndone.\nStarting dockerd with args '--debug=true':      .\n\n";

export function ddOutput(storageMb: number, seconds: number): string {
  const bytes = storageMb * 1_000_000;
  const rate = (storageMb / seconds).toFixed(1);

  return `${storageMb}+0 records in\n${storageMb}+0 records out\n${bytes} bytes (${storageMb} MB) copied, ${seconds.toFixed(4)} s, ${rate} MB/s\n`;
}

export function ifconfigManagement(state: DeviceState): string {
  const m = state.mgmt0;
  const docker0 = [
    `docker0   Link encap:Ethernet  HWaddr ${state.dockerMac}  `,
    '          inet addr:172.17.0.1  Bcast:0.0.0.0  Mask:255.255.0.0',
    '          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1',
    '          RX packets:166 errors:0 dropped:0 overruns:0 frame:0',
    '          TX packets:68 errors:0 dropped:0 overruns:0 carrier:0',
    '          collisions:0 txqueuelen:0 ',
    '          RX bytes:13454 (13.1 KiB)  TX bytes:5408 (5.2 KiB)',
    '',
  ];
  const inet = m.address
    ? [
        `          inet addr:${m.address}  Bcast:${broadcastOf(m.address, m.prefixLength)}  Mask:${netmaskOf(m.prefixLength)}`,
      ]
    : [];
  const eth1 = [
    `eth1      Link encap:Ethernet  HWaddr ${state.mgmtMac}  `,
    ...inet,
    `          ${m.shutdown ? '' : 'UP '}BROADCAST RUNNING PROMISC MULTICAST  MTU:1500  Metric:1`,
    '          RX packets:46517 errors:7389 dropped:25 overruns:0 frame:7389',
    '          TX packets:30299 errors:0 dropped:0 overruns:0 carrier:0',
    '          collisions:0 txqueuelen:1000 ',
    '          RX bytes:59131374 (56.3 MiB)  TX bytes:2243260 (2.1 MiB)',
    '',
  ];
  const lo = [
    'lo        Link encap:Local Loopback  ',
    '          inet addr:127.0.0.1  Mask:255.0.0.0',
    '          inet6 addr: ::1/128 Scope:Host',
    '          UP LOOPBACK RUNNING  MTU:65536  Metric:1',
    '          RX packets:0 errors:0 dropped:0 overruns:0 frame:0',
    '          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0',
    '          collisions:0 txqueuelen:0 ',
    '          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)',
    '',
  ];

  return [...(state.docker.running ? docker0 : []), ...eth1, ...lo].join('\n') + '\n';
}

const SERVICE_NAMES: Record<number, string> = {
  22: 'ssh',
  80: 'http',
  443: 'https',
  8080: 'http-alt',
};

/** One iptables -L line: columns as iptables prints them (inversion marks before prot, source and destination). */
function rule(
  target: string,
  prot: string,
  source: string,
  destination: string,
  extra = '',
): string {
  const inverted = (value: string): string => (value.startsWith('!') ? value : ` ${value}`);
  const line = `${target.padEnd(9)}  ${prot.padEnd(5)}--  ${source.padEnd(20)}${inverted(destination).padEnd(21)}`;

  return extra ? `${line} ${extra}` : line;
}

/** `iptables -L -t nat [-n]` in the management namespace. */
export function iptablesNat(state: DeviceState, numeric: boolean): string {
  const any = numeric ? '0.0.0.0/0' : 'anywhere';
  const port = (p: number): string => (numeric ? String(p) : (SERVICE_NAMES[p] ?? String(p)));
  const header = 'target     prot opt source               destination         ';
  const docker = state.docker.running;
  const rules = state.natRules;
  const chains = [
    [
      'Chain PREROUTING (policy ACCEPT)',
      header,
      ...(docker ? [rule('DOCKER', 'all', any, any, 'ADDRTYPE match dst-type LOCAL')] : []),
    ],
    ['Chain INPUT (policy ACCEPT)', header],
    [
      'Chain OUTPUT (policy ACCEPT)',
      header,
      ...(docker
        ? [rule('DOCKER', 'all', any, '!127.0.0.0/8', 'ADDRTYPE match dst-type LOCAL')]
        : []),
    ],
    [
      'Chain POSTROUTING (policy ACCEPT)',
      header,
      ...(docker ? [rule('MASQUERADE', 'all', '172.17.0.0/16', any)] : []),
      ...rules.map((r) =>
        rule('MASQUERADE', 'tcp', r.containerIp, r.containerIp, `tcp dpt:${port(r.containerPort)}`),
      ),
    ],
  ];
  if (docker) {
    chains.push([
      'Chain DOCKER (2 references)',
      header,
      rule('RETURN', 'all', any, any),
      ...rules.map((r) =>
        rule(
          'DNAT',
          'tcp',
          any,
          any,
          `tcp dpt:${r.hostPort} to:${r.containerIp}:${r.containerPort}`,
        ),
      ),
    ]);
  }

  return chains.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}
