import { isIP } from 'node:net';
import { SwitchyardError } from '@switchyard/contracts';
import {
  findInterface,
  findRoute,
  isFeatureEnabled,
  parseFeatures,
  parseInterfaceConfig,
  parseIpInterfaceBrief,
  parseIpRoute,
} from '@switchyard/nxos-parsers';
import type { StepContext, StepHandler, StepOutcome } from './step';
import { StepRun, type StepTimings } from './step-run';

const MGMT_INTERFACE = 'mgmt0';
const MGMT_VRF = 'management';
const DEFAULT_ROUTE = '0.0.0.0/0';
const REQUIRED_FEATURES = ['bash-shell', 'dhcp'];
const SAVE_COMMAND = 'copy running-config startup-config';
/** Saves are slow on real switches (16 s is common on a busy supervisor), in ms. */
const SAVE_TIMEOUT_MS = 120_000;

interface MgmtState {
  address: string;
  gateway: string;
}

/**
 * Step 1: mgmt0 on DHCP in the management VRF, and the Bash shell.
 *
 * Changes are saved to the startup configuration.
 *
 * Facts: `mgmtAddress` (mgmt0's address), `gateway` (next hop of the default route),
 * `vrf` (always `management`).
 */
export class ConfigureMgmtStep implements StepHandler {
  readonly name = 'configure-mgmt' as const;
  readonly commandTimeoutMs = 30_000;

  constructor(private readonly timings: StepTimings) {}

  async run(context: StepContext): Promise<StepOutcome> {
    const run = new StepRun(context, this.timings);
    await context.session.ensureMode('exec');

    const features = parseFeatures(await run.observe('show feature'));
    const mgmt0 = parseInterfaceConfig(await run.observe('show running-config interface mgmt0'));

    const featureLines = REQUIRED_FEATURES.filter(
      (feature) => !isFeatureEnabled(features, feature),
    ).map((f) => `feature ${f}`);
    // `vrf member` clears an interface's layer-3 settings on NX-OS, so it goes before the address.
    const interfaceLines = [
      ...(mgmt0.vrf === MGMT_VRF ? [] : [`vrf member ${MGMT_VRF}`]),
      ...(mgmt0.dhcp && mgmt0.vrf === MGMT_VRF ? [] : ['ip address dhcp']),
    ];

    if (featureLines.length > 0 || interfaceLines.length > 0) {
      await run.enterConfig();
      for (const line of featureLines) await run.change(line);
      if (interfaceLines.length > 0) {
        await run.change(`interface ${MGMT_INTERFACE}`);
        for (const line of interfaceLines) await run.change(line);
      }
      await run.endConfig();
      await this.saveConfig(run);
    }

    // A dry run reads what is there now and never waits: the changes it plans were not made.
    const observed = run.dryRun ? await this.readMgmt(run) : await this.waitForMgmt(run);
    const state = typeof observed === 'string' ? null : observed;
    return run.outcome({
      mgmtAddress: state?.address ?? null,
      gateway: state?.gateway ?? null,
      vrf: MGMT_VRF,
    });
  }

  /**
   * Saves the running configuration, so that a reload keeps the Bash shell and DHCP on
   * mgmt0 (without it the next reload undoes this step). Some switches confirm first.
   */
  private async saveConfig(run: StepRun): Promise<void> {
    const output = await run.change(SAVE_COMMAND, { timeoutMs: SAVE_TIMEOUT_MS, confirm: 'y' });
    if (output !== null && !/Copy complete/i.test(output)) {
      throw new SwitchyardError(
        'VERIFY_FAILED',
        `"${SAVE_COMMAND}" did not report "Copy complete": ${output.trim().split('\n').slice(-2).join(' | ')}`,
      );
    }
  }

  /** Polls until mgmt0 has an address and the VRF a default route (the DHCP lease takes a moment). */
  private async waitForMgmt(run: StepRun): Promise<MgmtState> {
    let missing = 'nothing read yet';
    return run.poll(
      this.timings.mgmtReadyTimeoutMs,
      async () => {
        const state = await this.readMgmt(run);
        if (typeof state === 'string') missing = state;
        return typeof state === 'string' ? null : state;
      },
      () =>
        new SwitchyardError(
          'MGMT_NOT_READY',
          `${MGMT_INTERFACE} not ready after ${this.timings.mgmtReadyTimeoutMs} ms: ${missing}; check the DHCP server on the management network`,
        ),
    );
  }

  /** The address and gateway, or what is still missing. */
  private async readMgmt(run: StepRun): Promise<MgmtState | string> {
    const brief = parseIpInterfaceBrief(
      await run.observe(`show ip interface brief vrf ${MGMT_VRF}`),
    );
    const row = findInterface(brief, MGMT_VRF, MGMT_INTERFACE);
    if (!row || isIP(row.address) === 0)
      return `${MGMT_INTERFACE} has no address in VRF ${MGMT_VRF}`;

    const routes = parseIpRoute(await run.observe(`show ip route vrf ${MGMT_VRF}`));
    const gateway = findRoute(routes, MGMT_VRF, DEFAULT_ROUTE)?.nextHops.find(
      (hop) => hop.address !== null,
    )?.address;
    if (!gateway) return `VRF ${MGMT_VRF} has no ${DEFAULT_ROUTE} route with a next hop`;

    return { address: row.address, gateway };
  }
}
