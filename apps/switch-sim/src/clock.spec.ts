import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DeviceClock, formatDockerDuration, formatRouteAge } from './clock';

const SECOND = 1000;
const DAY = 86_400 * SECOND;

describe('device time', () => {
  it('formats route ages the way NX-OS does', () => {
    assert.equal(formatRouteAge(22 * SECOND), '00:00:22');
    assert.equal(formatRouteAge(6 * DAY + 2 * 3600 * SECOND), '6d02h');
    assert.equal(formatRouteAge(7 * DAY), '1w0d');
    assert.equal(formatRouteAge(365 * DAY + 16 * 7 * DAY), '1y16w');
  });

  it('formats container ages the way docker does', () => {
    assert.equal(formatDockerDuration(500), 'Less than a second');
    assert.equal(formatDockerDuration(5 * SECOND), '5 seconds');
    assert.equal(formatDockerDuration(90 * SECOND), 'About a minute');
    assert.equal(formatDockerDuration(31 * 60 * SECOND), '31 minutes');
  });

  it('scales nominal durations and refuses a non-positive scale', () => {
    assert.equal(new DeviceClock(0.01).scale(18_000), 180);
    assert.throws(() => new DeviceClock(0), /timeScale/);
  });
});
