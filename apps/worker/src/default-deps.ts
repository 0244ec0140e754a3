import type { SwitchyardConfig } from '@switchyard/config';
import type { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import { createSessionPool, type SessionPool } from '@switchyard/ssh-pool';
import {
  createHttpChecker,
  createStepHandlers,
  type StepContext,
  type StepHandler,
} from '@switchyard/steps';

/** What the worker runs with unless a caller (a test) injects its own. */
export function defaultStepHandlers(): StepHandler[] {
  return createStepHandlers();
}

export function defaultHttpGet(config: SwitchyardConfig): StepContext['httpGet'] {
  return createHttpChecker(config.switchNetworks);
}

/** The SSH pool; a host key seen at a first login is pinned in the inventory (trust on first use). */
export function defaultSessionPool(
  config: SwitchyardConfig,
  logger: Logger,
  switches: SwitchRepository,
  concurrency: number,
): SessionPool {
  return createSessionPool({
    allowedNetworks: config.switchNetworks,
    // One connection per switch being worked on; idle ones beyond that are closed first.
    maxConnections: concurrency,
    logger: logger.child({ component: 'SessionPool' }),
    onHostKeyLearned: async (switchId, fingerprint) => {
      await switches.pinHostKeyOnFirstUse(switchId, fingerprint);
    },
  });
}
