import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { loadFixture, transcriptOutput } from '../fixtures/load';
import { parseChkconfigList, parseNetnsList } from './linux';

describe('parseNetnsList', () => {
  it('reads the management and default namespaces with their ids', () => {
    const expected = {
      namespaces: [
        { name: 'management', id: 1 },
        { name: 'default', id: 0 },
      ],
    };
    const readme = loadFixture('38_ndelecro_onbox_docker_netns_list_bash43.txt');
    const listing = readme.slice(
      readme.indexOf('bash-4.3# ip netns list'),
      readme.indexOf('bash-4.3# ip netns exec management bash'),
    );

    assert.deepEqual(parseNetnsList(transcriptOutput('ip netns show')), expected);
    assert.deepEqual(parseNetnsList(listing), expected);
    assert.deepEqual(parseNetnsList('management\n'), {
      namespaces: [{ name: 'management', id: null }],
    });
  });
});

describe('parseChkconfigList', () => {
  it('reads a service on in the multi-user runlevels', () => {
    const parsed = parseChkconfigList(
      'root@N9K#chkconfig --list docker\ndocker          0:off   1:off   2:on    3:on    4:on    5:on    6:off\nroot@N9K#',
    );

    assert.deepEqual(parsed, {
      service: 'docker',
      runlevels: { 0: false, 1: false, 2: true, 3: true, 4: true, 5: true, 6: false },
      enabled: true,
    });
  });

  it('reads a service that is off or not referenced in any runlevel', () => {
    assert.equal(
      parseChkconfigList('docker 0:off 1:off 2:off 3:off 4:off 5:off 6:off').enabled,
      false,
    );
    assert.equal(
      parseChkconfigList('docker         \t0:off\t1:off\t2:off\t3:off\t4:off\t5:off\t6:off\n')
        .enabled,
      false,
    );
    assert.deepEqual(
      parseChkconfigList(
        "service docker supports chkconfig, but is not referenced in any runlevel (run 'chkconfig --add docker')",
      ),
      { service: 'docker', runlevels: {}, enabled: false },
    );
  });

  it('refuses anything else with UNEXPECTED_OUTPUT', () => {
    assert.throws(
      () => parseChkconfigList('bash: chkconfig: command not found'),
      (err: unknown) => isSwitchyardError(err) && err.code === 'UNEXPECTED_OUTPUT',
    );
  });
});
