import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY_SCHEDULE, retryDelayMs } from './retry-schedule';

describe('retryDelayMs', () => {
  it('doubles the ceiling per failed attempt up to one hour', () => {
    const ceiling = (n: number) => retryDelayMs(n, DEFAULT_RETRY_SCHEDULE, () => 0.999999999);
    assert.equal(ceiling(1), 9_999);
    assert.equal(ceiling(2), 19_999);
    assert.equal(ceiling(9), 2_559_999);
    assert.equal(ceiling(10), 3_599_999);
    assert.equal(ceiling(14), 3_599_999);
  });

  it('draws the delay anywhere between zero and the ceiling (full jitter)', () => {
    assert.equal(
      retryDelayMs(3, DEFAULT_RETRY_SCHEDULE, () => 0),
      0,
    );
    assert.equal(
      retryDelayMs(3, DEFAULT_RETRY_SCHEDULE, () => 0.5),
      20_000,
    );
  });
});
