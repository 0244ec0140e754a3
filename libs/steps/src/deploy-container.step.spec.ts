import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError, type ErrorCode } from '@switchyard/contracts';
import { DeployContainerStep, PAGE_CHUNK_CHARS } from './deploy-container.step';
import { FAST_TIMINGS, testContext } from './testing/context';
import {
  ScriptedSwitch,
  freshSwitchState,
  type ScriptedContainer,
  type ScriptedSwitchState,
} from './testing/scripted-switch';

const RUN_WEB = 'ip netns exec management docker run -d -p 30080:80 --name web nginx';

function dockerReady(overrides: Partial<ScriptedSwitchState> = {}): ScriptedSwitch {
  return new ScriptedSwitch(
    freshSwitchState({
      docker: { running: true, pid: 17962, carved: true, persistent: true },
      ...overrides,
    }),
  );
}

function container(overrides: Partial<ScriptedContainer>): ScriptedContainer {
  return {
    id: 'a'.repeat(64),
    name: 'web',
    image: 'nginx',
    ports: [{ host: 30080, container: 80 }],
    running: true,
    page: 'old',
    ...overrides,
  };
}

const hasCode = (code: ErrorCode) => (err: unknown) => isSwitchyardError(err) && err.code === code;

describe('DeployContainerStep', () => {
  const step = new DeployContainerStep(FAST_TIMINGS);

  it('runs the container in the management namespace and reports it', async () => {
    const device = dockerReady();

    const outcome = await step.run(testContext(device));

    assert.equal(outcome.changed, true);
    assert.deepEqual(outcome.commands, [RUN_WEB]);
    assert.deepEqual(outcome.facts, {
      containerId: 'b5569c7b4427',
      containerName: 'web',
      image: 'nginx',
      ports: '30080->80',
    });
    assert.deepEqual(
      device.sent.filter((c) => c.startsWith('docker ps')),
      ['docker ps -a', 'docker ps'],
    );
  });

  it('changes nothing when run a second time', async () => {
    const device = dockerReady();
    await step.run(testContext(device));

    const outcome = await step.run(testContext(device));

    assert.deepEqual([outcome.changed, outcome.commands], [false, []]);
    assert.equal(device.state.containers.length, 1);
    assert.equal(device.changesSent().length, 1);
  });

  it('plans the exact run command in a dry run and sends nothing that changes', async () => {
    const device = dockerReady();

    const outcome = await step.run(
      testContext(device, {
        dryRun: true,
        params: {
          ports: [
            { host: 30080, container: 80 },
            { host: 30443, container: 443 },
          ],
        },
      }),
    );

    assert.deepEqual(outcome.commands, [
      'ip netns exec management docker run -d -p 30080:80 -p 30443:443 --name web nginx',
    ]);
    assert.equal(outcome.changed, true);
    assert.deepEqual(device.changesSent(), []);
    assert.equal(outcome.facts.containerId, null);
  });

  it('plans a run in a dry run while the daemon is still stopped, and nothing when all is in place', async () => {
    const stopped = new ScriptedSwitch(
      freshSwitchState({ features: { 'bash-shell': true, dhcp: true } }),
    );
    const inPlace = dockerReady({
      features: { 'bash-shell': true, dhcp: true },
      containers: [container({})],
    });

    const planned = await step.run(testContext(stopped, { dryRun: true }));
    const nothing = await step.run(testContext(inPlace, { dryRun: true }));

    assert.deepEqual(planned.commands, [RUN_WEB]);
    assert.ok(stopped.sent.includes('docker ps -a'));
    assert.deepEqual(
      [nothing.changed, nothing.commands, nothing.facts.containerId],
      [false, [], 'aaaaaaaaaaaa'],
    );
  });

  it('starts our stopped container instead of creating a second one', async () => {
    const device = dockerReady({ containers: [container({ running: false })] });

    const outcome = await step.run(testContext(device));

    assert.deepEqual(outcome.commands, ['docker start web']);
    assert.equal(device.state.containers.length, 1);
    assert.equal(outcome.facts.containerId, 'aaaaaaaaaaaa');
  });

  it('replaces our container when its ports differ', async () => {
    const device = dockerReady({
      containers: [container({ ports: [{ host: 8080, container: 80 }] })],
    });

    const outcome = await step.run(testContext(device));

    assert.deepEqual(outcome.commands, ['docker rm -f web', RUN_WEB]);
    assert.deepEqual(
      device.state.containers.map((c) => c.ports),
      [[{ host: 30080, container: 80 }]],
    );
  });

  it('refuses with NAME_IN_USE when the name runs another image, and touches nothing', async () => {
    const device = dockerReady({ containers: [container({ image: 'redis:7' })] });

    await assert.rejects(step.run(testContext(device)), hasCode('NAME_IN_USE'));
    assert.deepEqual(device.changesSent(), []);
  });

  it('refuses with PORT_IN_USE when another container publishes the host port', async () => {
    const device = dockerReady({ containers: [container({ name: 'other', image: 'httpd' })] });

    await assert.rejects(
      step.run(testContext(device)),
      (err: unknown) => hasCode('PORT_IN_USE')(err) && /"other"/.test((err as Error).message),
    );
    assert.deepEqual(device.changesSent(), []);
  });

  it('turns each docker run failure into its code', async () => {
    const failures: Array<[string, ErrorCode]> = [
      [
        'docker: Error response from daemon: driver failed programming external connectivity on endpoint web: Bind for 0.0.0.0:30080 failed: port is already allocated.',
        'PORT_IN_USE',
      ],
      [
        "Unable to find image 'nginx:latest' locally\ndocker: write /var/lib/docker/tmp/GetImageBlob: no space left on device.",
        'NO_SPACE_ON_DEVICE',
      ],
      [
        'docker: Error response from daemon: Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on [::1]:53: dial udp [::1]:53: connect: cannot assign requested address.',
        'IMAGE_PULL_FAILED',
      ],
    ];
    for (const [output, code] of failures) {
      await assert.rejects(
        step.run(testContext(dockerReady({ dockerRunFailure: output }))),
        hasCode(code),
        code,
      );
    }
  });

  it('reports DOCKER_NOT_RUNNING when the daemon is down', async () => {
    const device = new ScriptedSwitch(freshSwitchState());

    await assert.rejects(step.run(testContext(device)), hasCode('DOCKER_NOT_RUNNING'));
  });

  it('copies the page in base64 chunks, never as shell text, and only when it differs', async () => {
    const page = `<h1>it's "$(reboot)" \`id\` ${'é'.repeat(700)}</h1>\n`;
    const device = dockerReady();

    const first = await step.run(testContext(device, { params: { pageContent: page } }));
    const second = await step.run(testContext(device, { params: { pageContent: page } }));

    assert.equal(device.state.containers[0].page, page);
    const writes = first.commands.filter((c) => c.startsWith('printf'));
    assert.ok(writes.length >= 2);
    assert.match(writes[0], /^printf '%s' '[A-Za-z0-9+/=]+' > \/tmp\/switchyard-web\.b64$/);
    assert.match(writes[1], / >> \/tmp\/switchyard-web\.b64$/);
    assert.ok(writes.every((c) => c.length <= PAGE_CHUNK_CHARS + 50));
    assert.equal(
      first.commands.some((c) => c.includes('reboot') || c.includes('"')),
      false,
    );
    assert.deepEqual(first.commands.slice(-3), [
      'base64 -d /tmp/switchyard-web.b64 > /tmp/switchyard-web.html',
      'docker cp /tmp/switchyard-web.html web:/usr/share/nginx/html/index.html',
      'rm -f /tmp/switchyard-web.b64 /tmp/switchyard-web.html',
    ]);
    assert.deepEqual(device.state.files, {});
    assert.deepEqual([second.changed, second.commands], [false, []]);
  });
});
