import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STEP_NAMES } from '@switchyard/contracts';
import { createStepHandlers, createStepRegistry } from './registry';

describe('createStepRegistry', () => {
  it('maps every step to its handler', () => {
    const registry = createStepRegistry(createStepHandlers());

    assert.deepEqual([...registry.keys()], [...STEP_NAMES]);
    assert.equal(registry.get('start-docker')?.commandTimeoutMs, 180_000);
  });

  it('refuses a missing handler, saying where to add it', () => {
    const handlers = createStepHandlers().filter((h) => h.name !== 'verify-nat');

    assert.throws(
      () => createStepRegistry(handlers),
      /step "verify-nat" has no handler; add one to createStepHandlers\(\)/,
    );
  });

  it('refuses a doubled handler, naming both', () => {
    const handlers = createStepHandlers();

    assert.throws(
      () => createStepRegistry([...handlers, handlers[0]]),
      /step "configure-mgmt" has two handlers \(ConfigureMgmtStep and ConfigureMgmtStep\); keep one/,
    );
  });
});
