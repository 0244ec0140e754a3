import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseNetworkList } from '@switchyard/config';
import {
  DEFAULT_DEPLOYMENT_PARAMS,
  isSwitchyardError,
  type DeploymentParams,
  type ErrorCode,
  type StepName,
} from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';
import { createSessionPool, type SessionPool } from '@switchyard/ssh-pool';
import {
  createHttpChecker,
  createStepHandlers,
  createStepRegistry,
  type StepOutcome,
} from '@switchyard/steps';
import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { simSwitchFactory } from '../../support/sim-steps';

// Loopback addresses of this file's switches; the published container ports listen there too.
const SUBNET = '127.0.61';
const SSH_PORT = 10_622;
const TIME_SCALE = 0.02;
const LOOPBACK = parseNetworkList('127.0.0.0/8');
const PAGE = '<h1>NX-OS9000v</h1>\n';
// Not `admin`: the CLI session scrubs the password from all output, and `admin` also
// appears in `protocol-up/link-up/admin-up`.
const PASSWORD = 'Lab-Secret-61';

// A first start far slower than the 9000v's 18 s: 100 s nominal, 2 s at this time scale,
// against a session whose default command deadline is 1 s.
const SLOW_START_NOMINAL_MS = 100_000;
const SHORT_DEFAULT_COMMAND_TIMEOUT_MS = 1_000;

const registry = createStepRegistry(createStepHandlers({ pollIntervalMs: 100 }));

const simSwitch = simSwitchFactory(SUBNET, SSH_PORT, PASSWORD);

const hasCode = (code: ErrorCode) => (err: unknown) => isSwitchyardError(err) && err.code === code;

describe('steps against the simulator over SSH', () => {
  let fleet: SimFleet;
  let pool: SessionPool;

  before(async () => {
    const dockerReady = { featuresEnabled: ['bash-shell'], dockerRunning: true };
    fleet = await startFleet({
      timeScale: TIME_SCALE,
      switches: [
        simSwitch(10, 'N9K-FRESH'),
        simSwitch(11, 'N9K-SMALL-FLASH', { featuresEnabled: ['bash-shell'], freeBootflashMb: 150 }),
        simSwitch(12, 'N9K-OLD', { release: '7.0(3)' }),
        simSwitch(13, 'N9K-NAME-TAKEN', {
          ...dockerReady,
          preexistingContainers: [{ name: 'web', image: 'redis', running: true }],
        }),
        simSwitch(14, 'N9K-PORT-TAKEN', {
          ...dockerReady,
          preexistingContainers: [
            { name: 'other', image: 'nginx', ports: ['30080:80'], running: true },
          ],
        }),
        simSwitch(15, 'N9K-BIG-IMAGE', { ...dockerReady, images: { 'big/app': 900 } }),
        simSwitch(16, 'N9K-RELOAD'),
        simSwitch(17, 'N9K-DRY'),
        simSwitch(18, 'N9K-SLOW-START', {
          featuresEnabled: ['bash-shell'],
          slowCommands: { 'service docker start': SLOW_START_NOMINAL_MS },
        }),
      ],
    });
    pool = createSessionPool({ allowedNetworks: LOOPBACK });
  });

  after(async () => {
    await pool?.closeAll();
    await fleet?.close();
  });

  async function runStep(
    switchName: string,
    step: StepName,
    options: { params?: Partial<DeploymentParams>; dryRun?: boolean; via?: SessionPool } = {},
  ): Promise<StepOutcome> {
    const sim = fleet.byName(switchName);
    const lease = await (options.via ?? pool).acquire({
      id: switchName,
      name: switchName,
      host: sim.address,
      port: SSH_PORT,
      username: 'admin',
      password: PASSWORD,
      legacyAlgorithms: false,
      hostKey: null,
    });
    try {
      return await registry.get(step)!.run({
        session: lease.session,
        switchName,
        params: { ...DEFAULT_DEPLOYMENT_PARAMS, ...options.params },
        dryRun: options.dryRun ?? false,
        log: createRootLogger({ level: 'silent' }),
        signal: new AbortController().signal,
        httpGet: createHttpChecker(LOOPBACK),
      });
    } finally {
      if (lease.session.broken) lease.discard('the step broke the session');
      else lease.release();
    }
  }

  it('plans without changing, runs all four steps on a fresh switch, then finds nothing to change', async () => {
    const params = { pageContent: PAGE };
    const plan = await runStep('N9K-FRESH', 'configure-mgmt', { dryRun: true, params });
    assert.deepEqual(plan.commands, [
      'configure terminal',
      'feature bash-shell',
      'feature dhcp',
      'interface mgmt0',
      'ip address dhcp',
      'end',
      'copy running-config startup-config',
    ]);
    assert.equal(
      plan.transcript.some((e) => e.command.startsWith('feature')),
      false,
    );

    const first: Record<string, StepOutcome> = {};
    for (const step of [
      'configure-mgmt',
      'start-docker',
      'deploy-container',
      'verify-nat',
    ] as const)
      first[step] = await runStep('N9K-FRESH', step, { params });

    assert.deepEqual(
      first['configure-mgmt'].commands,
      plan.commands,
      'the dry run planned exactly what the run sent',
    );
    assert.equal(first['configure-mgmt'].facts.mgmtAddress, `${SUBNET}.10`);
    assert.equal(first['configure-mgmt'].facts.vrf, 'management');
    assert.deepEqual(first['start-docker'].facts, {
      daemon: 'running',
      pid: first['start-docker'].facts.pid,
      persistent: true,
      storageCarved: true,
    });
    assert.ok(
      first['start-docker'].transcript.some((e) =>
        /Carving docker bootflash storage/.test(e.output),
      ),
    );
    assert.equal(
      first['deploy-container'].commands[0],
      'ip netns exec management docker run -d -p 30080:80 --name web nginx',
    );
    assert.match(String(first['deploy-container'].facts.containerId), /^[0-9a-f]{12}$/);
    assert.deepEqual(first['verify-nat'].facts, {
      mgmtAddress: `${SUBNET}.10`,
      natRule: first['verify-nat'].facts.natRule,
      url: `http://${SUBNET}.10:30080/`,
      httpStatus: 200,
      httpBody: PAGE,
    });
    assert.match(
      String(first['verify-nat'].facts.natRule),
      /^tcp dpt:30080 to:172\.17\.0\.\d+:80$/,
    );

    for (const step of [
      'configure-mgmt',
      'start-docker',
      'deploy-container',
      'verify-nat',
    ] as const) {
      const again = await runStep('N9K-FRESH', step, { params });
      assert.deepEqual([step, again.changed, again.commands], [step, false, []]);
    }
  });

  it('changes nothing on the switch in a dry run of all four steps', async () => {
    const planned: string[] = [];
    for (const step of [
      'configure-mgmt',
      'start-docker',
      'deploy-container',
      'verify-nat',
    ] as const) {
      const outcome = await runStep('N9K-DRY', step, {
        dryRun: true,
        params: { pageContent: PAGE },
      });
      planned.push(...outcome.commands);
      assert.equal(
        outcome.transcript.some((e) => outcome.commands.includes(e.command)),
        false,
      );
    }

    const state = fleet.byName('N9K-DRY').state;
    assert.deepEqual(
      [state.features.has('dhcp'), state.mgmt0.mode, state.docker.running, state.docker.persistent],
      [false, 'static', false, false],
    );
    assert.ok(planned.includes('feature bash-shell'));
    assert.ok(planned.includes('service docker start'));
    assert.ok(planned.includes('chkconfig --add docker'));
    assert.ok(
      planned.includes('ip netns exec management docker run -d -p 30080:80 --name web nginx'),
    );
    assert.ok(
      planned.includes('docker cp /tmp/switchyard-web.html web:/usr/share/nginx/html/index.html'),
    );
  });

  it('after a reload restarts the daemon and the exited container, carving nothing and creating no second container', async () => {
    const params = { pageContent: PAGE, persistDocker: false };
    for (const step of [
      'configure-mgmt',
      'start-docker',
      'deploy-container',
      'verify-nat',
    ] as const)
      await runStep('N9K-RELOAD', step, { params });
    const sim = fleet.byName('N9K-RELOAD');
    const containerId = [...sim.state.containers.values()].map((c) => c.id);

    await sim.reload();
    const docker = await runStep('N9K-RELOAD', 'start-docker', { params });
    const deploy = await runStep('N9K-RELOAD', 'deploy-container', { params });
    const verify = await runStep('N9K-RELOAD', 'verify-nat', { params });

    assert.deepEqual(
      [docker.commands, docker.facts.storageCarved],
      [['service docker start'], false],
    );
    assert.deepEqual(deploy.commands, ['docker start web']);
    assert.deepEqual(
      [...sim.state.containers.values()].map((c) => c.id),
      containerId,
    );
    assert.equal(verify.facts.httpBody, PAGE);
  });

  it('reports a daemon that is not running as DOCKER_NOT_RUNNING and an unknown image as IMAGE_PULL_FAILED', async () => {
    await assert.rejects(
      runStep('N9K-SMALL-FLASH', 'deploy-container'),
      hasCode('DOCKER_NOT_RUNNING'),
    );
    await assert.rejects(
      runStep('N9K-BIG-IMAGE', 'deploy-container', {
        params: { image: 'nosuch/thing', containerName: 'thing' },
      }),
      hasCode('IMAGE_PULL_FAILED'),
    );
  });

  it('gives the first daemon start its own deadline, longer than the session default', async () => {
    const impatient = createSessionPool({
      allowedNetworks: LOOPBACK,
      commandTimeoutMs: SHORT_DEFAULT_COMMAND_TIMEOUT_MS,
    });
    try {
      const outcome = await runStep('N9K-SLOW-START', 'start-docker', { via: impatient });

      assert.deepEqual([outcome.facts.daemon, outcome.facts.storageCarved], ['running', true]);
      const start = outcome.transcript.find((e) => e.command === 'service docker start');
      assert.ok(
        start && start.durationMs > SHORT_DEFAULT_COMMAND_TIMEOUT_MS,
        'the start outlasted the default deadline',
      );
    } finally {
      await impatient.closeAll();
    }
  });

  it('refuses a switch with too little bootflash with INSUFFICIENT_BOOTFLASH', async () => {
    await assert.rejects(
      runStep('N9K-SMALL-FLASH', 'start-docker'),
      (err: unknown) =>
        hasCode('INSUFFICIENT_BOOTFLASH')(err) && !(err as { retryable: boolean }).retryable,
    );
  });

  it('refuses a release older than 9.2(1) with UNSUPPORTED_VERSION', async () => {
    await assert.rejects(runStep('N9K-OLD', 'start-docker'), hasCode('UNSUPPORTED_VERSION'));
  });

  it('refuses to take over a container name used by another image (NAME_IN_USE)', async () => {
    await assert.rejects(runStep('N9K-NAME-TAKEN', 'deploy-container'), hasCode('NAME_IN_USE'));
  });

  it('refuses a host port another container publishes (PORT_IN_USE)', async () => {
    await assert.rejects(runStep('N9K-PORT-TAKEN', 'deploy-container'), hasCode('PORT_IN_USE'));
  });

  it('reports an image larger than the docker storage as NO_SPACE_ON_DEVICE', async () => {
    await assert.rejects(
      runStep('N9K-BIG-IMAGE', 'deploy-container', {
        params: { image: 'big/app', containerName: 'app' },
      }),
      hasCode('NO_SPACE_ON_DEVICE'),
    );
  });
});
