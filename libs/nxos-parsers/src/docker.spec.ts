import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { loadFixture, transcriptOutput } from '../fixtures/load';
import {
  classifyDockerFailure,
  parseDockerPs,
  parseDockerServiceStatus,
  parseDockerStart,
  parsePorts,
} from './docker';
import { splitSession } from './text';

const FORENSIC = splitSession(
  loadFixture('37_cisco_forensic_guide_nxos10_bash_docker_session_EXCERPT.txt'),
);
const forensicOutput = (command: string) =>
  FORENSIC.find((block) => block.command === command)!.output;

describe('parseDockerPs', () => {
  it('reads the container of the reference transcript and its published port', () => {
    const { containers } = parseDockerPs(transcriptOutput('docker ps'));

    assert.deepEqual(containers, [
      {
        id: 'b5569c7b4427',
        image: 'nginx',
        command: '"nginx -g \'daemon ..."',
        created: '31 minutes ago',
        status: 'Up 31 minutes',
        running: true,
        ports: [{ hostIp: '0.0.0.0', hostPort: 30080, containerPort: 80, protocol: 'tcp' }],
        portsText: '0.0.0.0:30080->80/tcp',
        name: 'web',
      },
    ]);
  });

  it('reads an empty PORTS cell by the header positions (docker container ls)', () => {
    const { containers } = parseDockerPs(forensicOutput('docker container ls'));

    assert.deepEqual(
      containers.map((c) => [c.id, c.image, c.created, c.status, c.ports, c.name]),
      [['59f6237b5f18', 'alpine', '5 days ago', 'Up 2 minutes', [], 'alpine1']],
    );
  });

  it('reads docker ps -a with a stopped container, two addresses per port and no rows', () => {
    const text = [
      'root@N9K# docker ps -a',
      'CONTAINER ID   IMAGE          COMMAND                  CREATED          STATUS                     PORTS                                       NAMES',
      '0123456789ab   nginx:1.25     "/docker-entrypoint.…"   2 minutes ago    Exited (0) 5 seconds ago                                               web',
      'ba9876543210   nginx          "/docker-entrypoint.…"   3 hours ago      Up 3 hours                 0.0.0.0:8080->80/tcp, :::8080->80/tcp       other',
      'root@N9K#',
    ].join('\r\n');

    const { containers } = parseDockerPs(text);

    assert.deepEqual(
      containers.map((c) => [c.name, c.image, c.running, c.status]),
      [
        ['web', 'nginx:1.25', false, 'Exited (0) 5 seconds ago'],
        ['other', 'nginx', true, 'Up 3 hours'],
      ],
    );
    assert.deepEqual(containers[1].ports, [
      { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      { hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    ]);
    assert.deepEqual(
      parseDockerPs('CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES\n'),
      { containers: [] },
    );
  });

  it('parses exposed-only ports and port ranges', () => {
    assert.deepEqual(parsePorts('80/tcp, 0.0.0.0:9000-9001->9000-9001/udp'), [
      { hostIp: null, hostPort: null, containerPort: 80, protocol: 'tcp' },
      { hostIp: '0.0.0.0', hostPort: 9000, containerPort: 9000, protocol: 'udp' },
      { hostIp: '0.0.0.0', hostPort: 9001, containerPort: 9001, protocol: 'udp' },
    ]);
  });

  it('refuses output without the docker ps header with UNEXPECTED_OUTPUT', () => {
    assert.throws(
      () =>
        parseDockerPs(
          'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
        ),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'UNEXPECTED_OUTPUT' &&
        /CONTAINER ID/.test(err.message),
    );
  });
});

describe('parseDockerServiceStatus', () => {
  it('reads the running daemon and its pid, and the stopped daemon', () => {
    assert.deepEqual(parseDockerServiceStatus(transcriptOutput('service docker status')), {
      running: true,
      pid: 17962,
    });
    assert.deepEqual(parseDockerServiceStatus(forensicOutput('service docker status')), {
      running: false,
      pid: null,
    });
  });

  it('refuses anything else with UNEXPECTED_OUTPUT', () => {
    assert.throws(
      () => parseDockerServiceStatus('docker: unrecognized service'),
      (err: unknown) => isSwitchyardError(err) && err.code === 'UNEXPECTED_OUTPUT',
    );
  });
});

describe('parseDockerStart', () => {
  it('reads the noisy first start (carving, dd, mke2fs, losetup warning) as a success', () => {
    assert.deepEqual(parseDockerStart(transcriptOutput('service docker start')), {
      freeBootflashMb: 1873,
      totalBootflashMb: 3471,
      carvedMb: 300,
      insufficientSpace: false,
    });
  });

  it('reads a later start that carves nothing', () => {
    assert.deepEqual(parseDockerStart(forensicOutput('service docker start')), {
      freeBootflashMb: null,
      totalBootflashMb: null,
      carvedMb: null,
      insufficientSpace: false,
    });
  });

  it('recognises a start refused for lack of bootflash space', () => {
    const text =
      'Free bootflash: 150 MB, total bootflash: 3471 MB\nNot enough free bootflash space to carve docker storage (300 MB needed)\n';

    assert.equal(parseDockerStart(text).insufficientSpace, true);
    assert.equal(parseDockerStart(text).freeBootflashMb, 150);
  });
});

describe('classifyDockerFailure', () => {
  it('names each known docker run failure', () => {
    const dnsFailure = loadFixture('38_ndelecro_onbox_docker_netns_list_bash43.txt').match(
      /docker: Error response from daemon: [^`]+/,
    )![0];

    assert.equal(classifyDockerFailure(dnsFailure), 'IMAGE_PULL_FAILED');
    assert.equal(
      classifyDockerFailure(
        'docker: Error response from daemon: driver failed programming external connectivity on endpoint web: Bind for 0.0.0.0:30080 failed: port is already allocated.',
      ),
      'PORT_IN_USE',
    );
    assert.equal(
      classifyDockerFailure(
        'docker: write /var/lib/docker/tmp/GetImageBlob: no space left on device.',
      ),
      'NO_SPACE_ON_DEVICE',
    );
    assert.equal(
      classifyDockerFailure(
        'docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.',
      ),
      'DOCKER_NOT_RUNNING',
    );
    assert.equal(
      classifyDockerFailure(
        'docker: Error response from daemon: Conflict. The container name "/web" is already in use by container "b5569c7b4427".',
      ),
      'NAME_IN_USE',
    );
    assert.equal(
      classifyDockerFailure('b5569c7b4427b270045b69554a722c0fc30f180ba8f82b05e74452a907e2487c'),
      null,
    );
  });
});
