import type { SwitchyardConfig } from '@switchyard/config';
import { SwitchyardError } from '@switchyard/contracts';
import type { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import * as sshPoolLibrary from '@switchyard/ssh-pool';
import type { SessionPool } from '@switchyard/ssh-pool';
import * as stepsLibrary from '@switchyard/steps';
import type { StepContext, StepHandler } from '@switchyard/steps';

// The real step handlers and session pool are looked up by name at start-up, so the worker
// can be built and tested with injected ones whatever those libraries export yet.
const steps = stepsLibrary as Record<string, unknown>;
const sshPool = sshPoolLibrary as Record<string, unknown>;

export async function loadStepHandlers(): Promise<StepHandler[]> {
  if (typeof steps.createStepHandlers !== 'function') {
    throw new Error('@switchyard/steps does not export createStepHandlers(); pass stepHandlers to startWorker or build the steps library');
  }
  return (steps.createStepHandlers as () => StepHandler[])();
}

export async function loadHttpGet(config: SwitchyardConfig): Promise<StepContext['httpGet']> {
  if (typeof steps.createHttpChecker !== 'function') {
    return async () => {
      throw new SwitchyardError('INTERNAL', '@switchyard/steps does not export createHttpChecker(); this worker cannot run HTTP checks');
    };
  }
  return (steps.createHttpChecker as (networks: SwitchyardConfig['switchNetworks']) => StepContext['httpGet'])(config.switchNetworks);
}

/** The SSH pool; a host key seen at a first login is pinned in the inventory (trust on first use). */
export async function loadSessionPool(config: SwitchyardConfig, logger: Logger, switches: SwitchRepository): Promise<SessionPool> {
  if (typeof sshPool.createSessionPool !== 'function') {
    throw new Error('@switchyard/ssh-pool does not export createSessionPool(); pass sessionPool to startWorker or build the ssh-pool library');
  }
  return (sshPool.createSessionPool as (options: Record<string, unknown>) => SessionPool)({
    allowedNetworks: config.switchNetworks,
    logger: logger.child({ component: 'SessionPool' }),
    onHostKeyLearned: async (target: { id: string }, fingerprint: string) => {
      await switches.pinHostKeyOnFirstUse(target.id, fingerprint);
    },
  });
}
