import { isIP } from 'node:net';
import { SwitchyardError, isSwitchyardError, type PortMapping } from '@switchyard/contracts';
import {
  findDnatRules,
  findInterface,
  parseIpInterfaceBrief,
  parseIptablesList,
  type DnatRule,
} from '@switchyard/nxos-parsers';
import type { HttpCheckResult, StepContext, StepHandler, StepOutcome } from './step';
import { StepRun, type StepTimings } from './step-run';

/** How much of the page the facts keep, in characters. */
export const HTTP_BODY_FACT_CHARS = 200;

/**
 * Step 4: the published port answers from outside the switch. Reads only; never changes
 * anything.
 *
 * Facts: `mgmtAddress` (mgmt0's address as the switch reports it), `natRule` (the DNAT
 * rule of each port, `tcp dpt:30080 to:172.17.0.2:80`, joined by `; `), `url`,
 * `httpStatus`, `httpBody` (its first 200 characters). The HTTP check goes to the first
 * port mapping, the one the page is served on.
 */
export class VerifyNatStep implements StepHandler {
  readonly name = 'verify-nat' as const;
  readonly commandTimeoutMs = 30_000;

  constructor(private readonly timings: StepTimings) {}

  async run(context: StepContext): Promise<StepOutcome> {
    const run = new StepRun(context, this.timings);
    const { ports, pageContent } = context.params;
    await context.session.ensureMode('exec');

    const brief = parseIpInterfaceBrief(
      await run.observe('show ip interface brief vrf management'),
    );
    const mgmtAddress = findInterface(brief, 'management', 'mgmt0')?.address ?? null;

    const bash = await run.enterRootBash();
    const dnat = bash
      ? findDnatRules(
          parseIptablesList(await run.observe('ip netns exec management iptables -L -t nat -n')),
        )
      : [];
    const rules = ports.map((port) => findRule(dnat, port));
    const natRule = rules.every((rule) => rule !== null)
      ? rules.map((rule) => rule.rule.options).join('; ')
      : null;
    const url =
      mgmtAddress !== null && isIP(mgmtAddress) === 4
        ? `http://${mgmtAddress}:${ports[0].host}/`
        : null;

    // A dry run reports what it sees; the earlier steps' planned changes were not made.
    if (run.dryRun)
      return run.outcome({ mgmtAddress, natRule, url, httpStatus: null, httpBody: null });

    if (url === null) {
      throw new SwitchyardError(
        'MGMT_NOT_READY',
        `mgmt0 has no IPv4 address in VRF management (found ${mgmtAddress ?? 'no mgmt0 row'})`,
      );
    }
    const missing = ports
      .filter((_, i) => rules[i] === null)
      .map((p) => `tcp dpt:${p.host} to:<container>:${p.container}`);
    if (missing.length > 0) {
      throw new SwitchyardError(
        'VERIFY_FAILED',
        `no DNAT rule in the management namespace for ${missing.join(', ')}; is the container running?`,
      );
    }

    const answer = await this.checkHttp(run, url, pageContent);
    return run.outcome({
      mgmtAddress,
      natRule,
      url,
      httpStatus: answer.status,
      httpBody: answer.body.slice(0, HTTP_BODY_FACT_CHARS),
    });
  }

  /** GETs the page until it answers 200 with the expected body (nginx may still be starting). */
  private async checkHttp(
    run: StepRun,
    url: string,
    pageContent: string | undefined,
  ): Promise<HttpCheckResult> {
    let problem = 'no answer yet';
    return run.poll(
      this.timings.httpReadyTimeoutMs,
      async () => {
        try {
          const answer = await run.context.httpGet(url, this.timings.httpRequestTimeoutMs);
          if (answer.status !== 200) problem = `status ${answer.status}`;
          else if (pageContent !== undefined && !sameText(answer.body, pageContent))
            problem = 'the body differs from pageContent';
          else return answer;
        } catch (err) {
          // An address outside the allow-list will not change by waiting.
          if (isSwitchyardError(err) && err.code === 'ADDRESS_NOT_ALLOWED') throw err;
          problem = err instanceof Error ? err.message : String(err);
        }
        return null;
      },
      () =>
        new SwitchyardError(
          'HTTP_CHECK_FAILED',
          `GET ${url} did not answer 200 with the expected page: ${problem}`,
        ),
    );
  }
}

function findRule(rules: DnatRule[], port: PortMapping): DnatRule | null {
  return (
    rules.find((rule) => rule.hostPort === port.host && rule.toPort === port.container) ?? null
  );
}

function sameText(a: string, b: string): boolean {
  return a.replace(/\n+$/, '') === b.replace(/\n+$/, '');
}
