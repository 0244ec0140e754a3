import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { loadFixture } from '../fixtures/load';
import { compareReleases, parseRelease, parseShowVersion } from './version';

describe('parseShowVersion', () => {
  it('reads a 10.x switch printed with CRLF', () => {
    assert.deepEqual(parseShowVersion(loadFixture('11_ntc_show_version_n9k_10.4.5.txt')), {
      release: '10.4(5)',
      deviceName: 'N9K-LAB-15',
      chassis: 'Nexus9000 C93180YC-FX3 Chassis',
      bootflashKb: 115805708,
      uptimeSeconds: ((60 * 24 + 17) * 60 + 26) * 60 + 51,
    });
  });

  it('reads a Nexus 9000v on 9.3(3)', () => {
    const version = parseShowVersion(loadFixture('19_ansible_show_version_nexus9000v_9.3.3.txt'));

    assert.deepEqual(version, {
      release: '9.3(3)',
      deviceName: 'nxos-9kv-933',
      chassis: 'Nexus9000 C9300v Chassis',
      bootflashKb: 4287040,
      uptimeSeconds: ((2 * 24 + 5) * 60 + 5) * 60 + 41,
    });
  });

  it('ignores a login banner and the echoed command before the output', () => {
    const old = parseShowVersion(
      loadFixture('20_ansible_nxosv_login_banner_prompt_show_version.txt'),
    );
    const sandbox = parseShowVersion(
      loadFixture('41_nexus9000v_ssh_login_banner_and_show_version_9.3.3.txt'),
    );

    assert.deepEqual(
      [old.release, old.deviceName, old.chassis, old.bootflashKb],
      ['7.3(0)D1(1)', 'nxos01', 'NX-OSv Chassis', 3184776],
    );
    assert.deepEqual([sandbox.release, sandbox.deviceName], ['9.3(3)', 'sbx-ao']);
  });

  it('refuses output without a release with UNEXPECTED_OUTPUT', () => {
    assert.throws(
      () => parseShowVersion('Cisco Nexus Operating System (NX-OS) Software\n'),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'UNEXPECTED_OUTPUT' &&
        /NXOS: version/.test(err.message),
    );
  });
});

describe('compareReleases', () => {
  it('orders releases by major, minor and maintenance number', () => {
    assert.ok(compareReleases('9.3(1)', '9.2(1)') > 0);
    assert.ok(compareReleases('10.4(5)', '9.2(1)') > 0);
    assert.ok(compareReleases('9.3(15)', '9.3(3)') > 0);
    assert.ok(compareReleases('7.3(0)D1(1)', '9.2(1)') < 0);
    assert.ok(compareReleases('7.0(3)I7(1)', '9.2(1)') < 0);
    assert.equal(compareReleases('9.2(1)', '9.2(1)'), 0);
    assert.deepEqual(parseRelease('7.3(0)D1(1)'), {
      major: 7,
      minor: 3,
      maintenance: 0,
      train: 'D1(1)',
    });
  });
});
