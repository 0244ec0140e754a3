import type { SwitchyardConfig } from '@switchyard/config';
import type { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import * as sshPoolLibrary from '@switchyard/ssh-pool';
import type { SessionPool } from '@switchyard/ssh-pool';
import { createHttpChecker, createStepHandlers, type StepContext, type StepHandler } from '@switchyard/steps';

export function defaultStepHandlers(): StepHandler[] {
  return createStepHandlers();
}

export function defaultHttpGet(config: SwitchyardConfig): StepContext['httpGet'] {
  return createHttpChecker(config.switchNetworks);
}

// Looked up by name so that the worker builds, and runs with an injected pool, whatever the
// SSH pool library exports at the moment.
const sshPool = sshPoolLibrary as Record<string, unknown>;

/** The SSH pool; a host key seen at a first login is pinned in the inventory (trust on first use). */
export function defaultSessionPool(config: SwitchyardConfig, logger: Logger, switches: SwitchRepository): SessionPool {
  if (typeof sshPool.createSessionPool !== 'function') {
    throw new Error('@switchyard/ssh-pool does not export createSessionPool(); pass sessionPool to startWorker or build the ssh-pool library');
  }
  return (sshPool.createSessionPool as (options: Record<string, unknown>) => SessionPool)({
    allowedNetworks: config.switchNetworks,
    logger: logger.child({ component: 'SessionPool' }),
    onHostKeyLearned: async (switchId: string, fingerprint: string) => {
      await switches.pinHostKeyOnFirstUse(switchId, fingerprint);
    },
  });
}
