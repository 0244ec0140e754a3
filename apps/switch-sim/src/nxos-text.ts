import { formatCtime, formatRouteAge, formatShowClock, type DeviceClock } from './clock';
import { KNOWN_FEATURES, networkOf, type DeviceState } from './device-state';

/** Major release 10 and later ship bash 4.4; 9.2 and 9.3 ship bash 4.3. */
export function bashVersion(release: string): string {
  return Number(release.split('.')[0]) >= 10 ? '4.4' : '4.3';
}

/** `9.3(1)` -> `9.3.1`, the form used in image file names. */
function releaseDotted(release: string): string {
  // 9.3(1) -> 9.3.1; 7.0(3)I7(1) -> 7.0.3.I7.1
  return release.replace(/\)(?=.)/g, ').').replace(/\((\w+)\)/g, '.$1');
}

export function imageFile(release: string): string {
  return Number(release.split('.')[0]) >= 10
    ? `nxos64-cs.${releaseDotted(release)}.F.bin`
    : `nxos.${releaseDotted(release)}.bin`;
}

function uptimeText(ms: number): string {
  const s = Math.floor(ms / 1000);

  return `${Math.floor(s / 86_400)} day(s), ${Math.floor((s % 86_400) / 3600)} hour(s), ${Math.floor((s % 3600) / 60)} minute(s), ${s % 60} second(s)`;
}

export function showVersion(state: DeviceState, release: string, clock: DeviceClock): string {
  return [
    'Cisco Nexus Operating System (NX-OS) Software',
    'TAC support: http://www.cisco.com/tac',
    'Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html',
    'Copyright (c) 2002-2019, Cisco Systems, Inc. All rights reserved.',
    'The copyrights to certain works contained herein are owned by',
    'other third parties and are used and distributed under license.',
    'Some parts of this software are covered under the GNU Public',
    'License. A copy of the license is available at',
    'http://www.gnu.org/licenses/gpl.html.',
    '',
    'Nexus 9000v is a demo version of the Nexus Operating System',
    '',
    'Software',
    '  BIOS: version ',
    ` NXOS: version ${release}`,
    '  BIOS compile time:  ',
    `  NXOS image file is: bootflash:///${imageFile(release)}`,
    '  NXOS compile time:  7/30/2019 9:00:00 [07/30/2019 18:07:27]',
    '',
    '',
    'Hardware',
    '  cisco Nexus9000 C9300v Chassis ',
    '  Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz with 8161104 kB of memory.',
    '  Processor Board ID 9N3KD63KWT0',
    '',
    `  Device name: ${state.hostname}`,
    '  bootflash:    4287040 kB',
    `Kernel uptime is ${uptimeText(clock.ageMs(state.bootedAt))}`,
    '',
    'Last reset ',
    '  Reason: Unknown',
    '  System version: ',
    '  Service: ',
    '',
    'plugin',
    '  Core Plugin, Ethernet Plugin',
    '',
    'Active Package(s):',
    '',
  ].join('\n');
}

export function showFeature(state: DeviceState): string {
  const lines = [
    'Feature Name          Instance  State',
    '--------------------  --------  --------',
  ];
  for (const feature of KNOWN_FEATURES) {
    const enabled = state.features.has(feature) ? 'enabled' : 'disabled';
    lines.push(`${feature.padEnd(23)}${'1'.padEnd(11)}${enabled}`);
  }

  return lines.join('\n') + '\n';
}

const VRF_IDS: Record<string, number> = { default: 1, management: 2 };

function ipIntBriefVrf(state: DeviceState, vrf: string): string {
  const lines = [
    `IP Interface Status for VRF "${vrf}"(${VRF_IDS[vrf]})`,
    'Interface            IP Address      Interface Status',
  ];
  const m = state.mgmt0;
  if (m.vrf === vrf && m.address) {
    const status = m.shutdown
      ? 'protocol-down/link-down/admin-down'
      : 'protocol-up/link-up/admin-up';
    lines.push(`${'mgmt0'.padEnd(21)}${m.address.padEnd(16)}${status}       `);
  }

  return lines.join('\n') + '\n';
}

/** `show ip interface brief [vrf X|all]`; undefined for an unknown VRF. */
export function showIpIntBrief(state: DeviceState, vrf: string): string | undefined {
  if (vrf === 'all')
    return (
      '\n' +
      Object.keys(VRF_IDS)
        .map((v) => ipIntBriefVrf(state, v))
        .join('\n')
    );
  if (!(vrf in VRF_IDS)) return undefined;

  return '\n' + ipIntBriefVrf(state, vrf);
}

function routeTableVrf(state: DeviceState, vrf: string, clock: DeviceClock): string {
  const lines = [
    `IP Route Table for VRF "${vrf}"`,
    "'*' denotes best ucast next-hop",
    "'**' denotes best mcast next-hop",
    "'[x/y]' denotes [preference/metric]",
    "'%<string>' in via output denotes VRF <string>",
    '',
  ];
  const m = state.mgmt0;
  if (m.vrf === vrf && m.address && !m.shutdown) {
    const age = formatRouteAge(clock.ageMs(m.since));
    // The default route is installed a second after the connected routes.
    const gatewayAge = formatRouteAge(Math.max(0, clock.ageMs(m.since) - 1000));
    if (m.gateway) {
      lines.push(
        '0.0.0.0/0, ubest/mbest: 1/0',
        `    *via ${m.gateway}, [1/0], ${gatewayAge}, static`,
      );
    }
    lines.push(
      `${networkOf(m.address, m.prefixLength)}/${m.prefixLength}, ubest/mbest: 1/0, attached`,
      `    *via ${m.address}, mgmt0, [0/0], ${age}, direct`,
      `${m.address}/32, ubest/mbest: 1/0, attached`,
      `    *via ${m.address}, mgmt0, [0/0], ${age}, local`,
    );
  }

  return lines.join('\n') + '\n';
}

export function showIpRoute(
  state: DeviceState,
  vrf: string,
  clock: DeviceClock,
): string | undefined {
  if (vrf === 'all')
    return Object.keys(VRF_IDS)
      .map((v) => routeTableVrf(state, v, clock))
      .join('\n');
  if (!(vrf in VRF_IDS)) return undefined;

  return routeTableVrf(state, vrf, clock);
}

function mgmt0Config(state: ConfigView): string[] {
  const m = state.mgmt0;
  const lines = ['interface mgmt0'];
  if (m.vrf) lines.push(`  vrf member ${m.vrf}`);
  if (m.mode === 'dhcp') lines.push('  ip address dhcp');
  else if (m.address) lines.push(`  ip address ${m.address}/${m.prefixLength}`);
  if (m.shutdown) lines.push('  shutdown');

  return lines;
}

function configHeader(command: string, state: ConfigView, release: string): string[] {
  return [
    '',
    `!Command: ${command}`,
    `!Running configuration last done at: ${formatCtime(new Date(state.configChangedAt))}`,
    `!Time: ${formatCtime(new Date())}`,
    '',
    `version ${release} Bios:version  `,
  ];
}

/** What the configuration texts read: the running state, or the saved startup config. */
export type ConfigView = Pick<DeviceState, 'hostname' | 'features' | 'mgmt0' | 'configChangedAt'>;

export function showRunningConfig(
  state: ConfigView,
  release: string,
  section?: 'mgmt0',
  command = section ? 'show running-config interface mgmt0' : 'show running-config',
): string {
  if (section === 'mgmt0') {
    return [...configHeader(command, state, release), '', ...mgmt0Config(state), '', ''].join('\n');
  }
  const features = KNOWN_FEATURES.filter((f) => state.features.has(f) && f !== 'ssh').map(
    (f) => `feature ${f}`,
  );

  return [
    ...configHeader(command, state, release),
    `hostname ${state.hostname}`,
    `vdc ${state.hostname} id 1`,
    '  limit-resource vlan minimum 16 maximum 4094',
    '  limit-resource vrf minimum 2 maximum 4096',
    '  limit-resource port-channel minimum 0 maximum 511',
    '  limit-resource u4route-mem minimum 248 maximum 248',
    '  limit-resource u6route-mem minimum 96 maximum 96',
    '  limit-resource m4route-mem minimum 58 maximum 58',
    '  limit-resource m6route-mem minimum 8 maximum 8',
    ...features,
    '',
    'no password strength-check',
    // A fixed placeholder hash: never derived from the configured password.
    'username admin password 5 $5$SIMULATE$0000000000000000000000000000000000000000000  role network-admin',
    'ip domain-lookup',
    'copp profile strict',
    'snmp-server user admin network-admin auth md5 0x00000000000000000000000000000000 priv 0x00000000000000000000000000000000 localizedkey',
    'rmon event 1 description FATAL(1) owner PMON@FATAL',
    'rmon event 2 description CRITICAL(2) owner PMON@CRITICAL',
    '',
    'vlan 1',
    '',
    'vrf context management',
    // A DHCP lease brings its gateway; only a configured static route is configuration.
    ...(state.mgmt0.mode === 'static' && state.mgmt0.gateway
      ? [`  ip route 0.0.0.0/0 ${state.mgmt0.gateway}`]
      : []),
    '',
    ...mgmt0Config(state),
    'line console',
    'line vty',
    `boot nxos bootflash:/${release.startsWith('1') ? 'nxos64-cs' : 'nxos'}.${release.replace(/\((\w+)\)/, '.$1')}${release.startsWith('1') ? '.F' : ''}.bin`,
    '',
    '',
  ].join('\n');
}

export function showInterfaceMgmt0(state: DeviceState): string {
  const m = state.mgmt0;
  const mac = state.mgmtMac.replace(/:/g, '').replace(/(\w{4})(\w{4})(\w{4})/, '$1.$2.$3');
  const up = !m.shutdown;

  return [
    `mgmt0 is ${up ? 'up' : 'down'}`,
    `admin state is ${up ? 'up' : 'down'},`,
    `  Hardware: GigabitEthernet, address: ${mac} (bia ${mac})`,
    ...(m.address ? [`  Internet Address is ${m.address}/${m.prefixLength}`] : []),
    '  MTU 1500 bytes, BW 1000000 Kbit, DLY 10 usec',
    '  reliability 255/255, txload 1/255, rxload 1/255',
    '  Encapsulation ARPA, medium is broadcast',
    '  full-duplex, 1000 Mb/s',
    '  Auto-Negotiation is turned on',
    '  Auto-mdix is turned off',
    '  EtherType is 0x0000',
    '',
  ].join('\n');
}

export function showVrf(): string {
  return [
    'VRF-Name                           VRF-ID State   Reason',
    'default                                 1 Up      --',
    'management                              2 Up      --',
    '',
  ].join('\n');
}

export function showClock(): string {
  return `Time source is NTP\n${formatShowClock(new Date())}\n`;
}

export const CONFIGURE_BANNER = 'Enter configuration commands, one per line. End with CNTL/Z.\n';

export const COPY_RUN_START_OUTPUT =
  '[########################################] 100%\nCopy complete, now saving to disk (please wait)...\nCopy complete.\n';

export function caretError(column: number, kind: 'Invalid' | 'Ambiguous' | 'Incomplete'): string {
  return `${' '.repeat(Math.max(0, column))}^\n% ${kind} command at '^' marker.\n`;
}
