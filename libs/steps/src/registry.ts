import { STEP_NAMES, type StepName } from '@switchyard/contracts';
import { ConfigureMgmtStep } from './configure-mgmt.step';
import { DeployContainerStep } from './deploy-container.step';
import { StartDockerStep } from './start-docker.step';
import type { StepHandler } from './step';
import { DEFAULT_STEP_TIMINGS, type StepTimings } from './step-run';
import { VerifyNatStep } from './verify-nat.step';

/** The four step handlers, in procedure order. `timings` shortens waits in tests. */
export function createStepHandlers(timings: Partial<StepTimings> = {}): StepHandler[] {
  const resolved = { ...DEFAULT_STEP_TIMINGS, ...timings };
  return [
    new ConfigureMgmtStep(resolved),
    new StartDockerStep(resolved),
    new DeployContainerStep(resolved),
    new VerifyNatStep(resolved),
  ];
}

/**
 * Maps each step name to its one handler. Throws at start-up when a step has no handler,
 * two handlers, or a handler names an unknown step, saying how to fix it.
 */
export function createStepRegistry(
  handlers: readonly StepHandler[],
): ReadonlyMap<StepName, StepHandler> {
  const registry = new Map<StepName, StepHandler>();
  const problems: string[] = [];

  for (const handler of handlers) {
    if (!(STEP_NAMES as readonly string[]).includes(handler.name)) {
      problems.push(
        `handler ${handler.constructor.name} names unknown step "${handler.name}"; use one of ${STEP_NAMES.join(', ')}`,
      );
    } else if (registry.has(handler.name)) {
      problems.push(
        `step "${handler.name}" has two handlers (${registry.get(handler.name)!.constructor.name} and ${handler.constructor.name}); keep one in the list given to createStepRegistry`,
      );
    } else {
      registry.set(handler.name, handler);
    }
  }
  for (const name of STEP_NAMES.filter((step) => !registry.has(step))) {
    problems.push(`step "${name}" has no handler; add one to createStepHandlers() in libs/steps`);
  }

  if (problems.length > 0) throw new Error(`step registry is wrong:\n- ${problems.join('\n- ')}`);
  return registry;
}
