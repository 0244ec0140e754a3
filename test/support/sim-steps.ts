import { parseNetworkList } from '@switchyard/config';
import {
  DeploymentParamsSchema,
  type DeploymentParams,
  type StepName,
} from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';
import type { SessionPool, SwitchTarget } from '@switchyard/ssh-pool';
import type { SimSwitchOptions } from '../../apps/switch-sim/src';
import {
  createHttpChecker,
  createStepHandlers,
  createStepRegistry,
  type StepOutcome,
} from '@switchyard/steps';

/** The networks tests may reach: loopback only. */
export const LOOPBACK = parseNetworkList('127.0.0.0/8');

const steps = createStepRegistry(createStepHandlers());

/** Login details of a simulated switch (user admin), no host key pinned unless given. */
export function simTarget(
  sim: { name: string; address: string; port: number },
  password: string,
  overrides: Partial<SwitchTarget> = {},
): SwitchTarget {
  return {
    id: sim.name,
    name: sim.name,
    host: sim.address,
    port: sim.port,
    username: 'admin',
    password,
    legacyAlgorithms: false,
    hostKey: null,
    ...overrides,
  };
}

/**
 * Runs one real step on a simulated switch through the pool, as the worker would: the
 * session is handed back afterwards, or thrown away if the step broke it.
 */
export async function runStepOnSim(
  pool: SessionPool,
  target: SwitchTarget,
  step: StepName,
  params: Partial<DeploymentParams> = {},
  options: { dryRun?: boolean } = {},
): Promise<StepOutcome> {
  const lease = await pool.acquire(target);
  try {
    return await steps.get(step)!.run({
      session: lease.session,
      switchName: target.name,
      params: DeploymentParamsSchema.parse(params),
      dryRun: options.dryRun ?? false,
      log: createRootLogger({ level: 'silent' }),
      signal: new AbortController().signal,
      httpGet: createHttpChecker(LOOPBACK),
    });
  } finally {
    if (lease.session.broken) lease.discard('the session broke during the step');
    else lease.release();
  }
}

/**
 * Options of simulated switches on one /24 of loopback: `simSwitch(3, 'N9K-C')` is
 * `<subnet>.3` on `port`, user admin with `password`, plus any behaviour in `extra`.
 */
export function simSwitchFactory(subnet: string, port: number, password: string) {
  return (host: number, name: string, extra: Partial<SimSwitchOptions> = {}): SimSwitchOptions => ({
    name,
    address: `${subnet}.${host}`,
    port,
    username: 'admin',
    password,
    ...extra,
  });
}
