import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { waitFor } from '../../support/wait';
import { ShellDriver } from './sim-client';

const BASE = { port: 2403, username: 'admin', password: 'admin' };
const ROOT = /root@\S+#$/;

describe('switch simulator: docker on the switch', () => {
  let fleet: SimFleet;

  before(async () => {
    fleet = await startFleet({
      timeScale: 0.01,
      switches: [
        { name: 'plain', address: '127.0.23.1', ...BASE, featuresEnabled: ['bash-shell'] },
        {
          name: 'low-flash',
          address: '127.0.23.2',
          ...BASE,
          featuresEnabled: ['bash-shell'],
          freeBootflashMb: 150,
        },
        {
          name: 'strict-ns',
          address: '127.0.23.3',
          ...BASE,
          featuresEnabled: ['bash-shell'],
          dockerRunning: true,
          pullRequiresManagementNamespace: true,
        },
        {
          name: 'small-disk',
          address: '127.0.23.4',
          ...BASE,
          featuresEnabled: ['bash-shell'],
          dockerRunning: true,
          dockerStorageMb: 100,
          images: { 'acme/tool': 40 },
        },
        {
          name: 'seeded',
          address: '127.0.23.5',
          ...BASE,
          featuresEnabled: ['bash-shell'],
          dockerRunning: true,
          preexistingContainers: [
            { name: 'web', image: 'nginx', ports: ['30080:80'], restart: 'always' },
            { name: 'old', image: 'alpine', running: false },
          ],
        },
      ],
    });
  });

  after(async () => {
    await fleet?.close();
  });

  async function rootShell(address: string): Promise<ShellDriver> {
    const cli = await ShellDriver.open({
      host: address,
      port: BASE.port,
      username: BASE.username,
      password: BASE.password,
    });
    await cli.waitFor(/# $/);
    await cli.run('run bash sudo su -', ROOT);

    return cli;
  }

  it('says the daemon is not running until it is started, and starts later without carving', async () => {
    const cli = await rootShell('127.0.23.1');
    try {
      assert.equal(
        await cli.run('docker ps', ROOT),
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n',
      );
      assert.equal(await cli.run('service docker status', ROOT), 'dockerd is stopped\n');
      assert.equal(
        await cli.run('ls -l /bootflash/dockerpart', ROOT),
        'ls: cannot access /bootflash/dockerpart: No such file or directory\n',
      );
      assert.match(await cli.run('service docker start', ROOT), /Carving docker bootflash storage/);
      assert.match(await cli.run('service docker stop', ROOT), /^Stopping dockerd: /);
      const again = await cli.run('service docker start', ROOT);
      assert.doesNotMatch(again, /Carving|records in|mke2fs/);
      assert.match(
        again,
        /^losetup: .*\nUpdating certificates in \/etc\/ssl\/certs\.\.\.\n[\s\S]*Starting dockerd with args/,
      );
      assert.equal(fleet.byName('plain').state.docker.running, true);
    } finally {
      cli.close();
    }
  });

  it('fails the first start with a clear message when bootflash is short (D1)', async () => {
    const cli = await rootShell('127.0.23.2');
    try {
      const start = await cli.run('service docker start', ROOT);
      assert.match(
        start,
        /^Free bootflash: 150 MB, total bootflash: 3471 MB\nInsufficient bootflash space: carving docker storage needs 300 MB, 150 MB free\.\n/,
      );
      assert.doesNotMatch(start, /Carving docker bootflash storage|Starting dockerd/);
      assert.equal(await cli.run('service docker status', ROOT), 'dockerd is stopped\n');
      assert.equal(fleet.byName('low-flash').state.docker.carved, false);
    } finally {
      cli.close();
    }
  });

  it('pulls only from the management namespace when the switch requires it', async () => {
    const cli = await rootShell('127.0.23.3');
    try {
      const outside = await cli.run('docker run -d -p 30080:80 --name web nginx', ROOT);
      assert.match(
        outside,
        /^Unable to find image 'nginx:latest' locally\ndocker: Error response from daemon: Get https:\/\/registry-1\.docker\.io\/v2\/: dial tcp: lookup registry-1\.docker\.io on \[::1\]:53: dial udp \[::1\]:53: connect: cannot assign requested address\.\n/,
      );
      const inside = await cli.run('ip netns exec management docker pull nginx', ROOT);
      assert.match(inside, /Status: Downloaded newer image for nginx:latest\n$/);
      assert.match(
        await cli.run('docker run -d -p 30080:80 --name web nginx', ROOT),
        /^[0-9a-f]{64}\n$/,
      );
    } finally {
      cli.close();
    }
  });

  it('reports no space left on device for an image bigger than the docker storage (D2)', async () => {
    const cli = await rootShell('127.0.23.4');
    try {
      assert.match(
        await cli.run('docker pull acme/tool', ROOT),
        /Status: Downloaded newer image for acme\/tool:latest/,
      );
      const run = await cli.run('docker run -d -p 30080:80 --name web nginx', ROOT);
      assert.match(run, /no space left on device/);
      assert.doesNotMatch(run, /^[0-9a-f]{64}$/m);
      assert.match(
        await cli.run('docker images', ROOT),
        /^REPOSITORY {10}TAG {17}IMAGE ID {12}CREATED {13}SIZE\nacme\/tool {11}latest /,
      );
    } finally {
      cli.close();
    }
  });

  it('copies content in with printf, base64 and docker cp, and reads it back', async () => {
    const cli = await rootShell('127.0.23.5');
    const page = '<h1>fleet page</h1>\n';
    try {
      const b64 = Buffer.from(page).toString('base64');
      const half = Math.floor(b64.length / 2);
      assert.equal(await cli.run(`printf '%s' '${b64.slice(0, half)}' > /tmp/page.b64`, ROOT), '');
      assert.equal(await cli.run(`printf '%s' '${b64.slice(half)}' >> /tmp/page.b64`, ROOT), '');
      assert.equal(
        await cli.run('base64 -d /tmp/page.b64 > /tmp/index.html && rm -f /tmp/page.b64', ROOT),
        '',
      );
      assert.equal(
        await cli.run('cat /tmp/page.b64', ROOT),
        'cat: /tmp/page.b64: No such file or directory\n',
      );
      assert.equal(
        await cli.run('docker cp /tmp/index.html web:/usr/share/nginx/html/index.html', ROOT),
        '',
      );
      assert.equal(
        await cli.run('docker exec web cat /usr/share/nginx/html/index.html', ROOT),
        page,
      );
      assert.equal(await (await fetch('http://127.0.23.5:30080/')).text(), page);
      assert.equal(
        await cli.run(
          "docker inspect -f '{{.State.Running}} {{.HostConfig.RestartPolicy.Name}}' web",
          ROOT,
        ),
        'true always\n',
      );
      assert.match(await cli.run('docker ps -a', ROOT), /Exited \(0\) .* ago +old\n/);
    } finally {
      cli.close();
    }
  });

  it('reload stops docker unless chkconfig --add docker was set, and drops the sessions (D2)', async () => {
    const plain = fleet.byName('plain');
    const cli = await rootShell('127.0.23.1');
    assert.match(
      await cli.run('docker run -d -p 30090:80 --rm --name temp nginx', ROOT),
      /^[\s\S]*[0-9a-f]{64}\n$/,
    );
    assert.equal(
      await cli.run('chkconfig --list docker', ROOT),
      'docker         \t0:off\t1:off\t2:off\t3:off\t4:off\t5:off\t6:off\n',
    );

    await plain.reload();
    await cli.waitClosed();
    cli.close();
    assert.equal(plain.activeSessions(), 0);
    assert.equal(plain.state.docker.running, false);
    assert.equal(plain.state.containers.has('temp'), false);
    await assert.rejects(fetch('http://127.0.23.1:30090/'));

    const seeded = fleet.byName('seeded');
    const second = await rootShell('127.0.23.5');
    assert.equal(await second.run('chkconfig --add docker', ROOT), '');
    await seeded.reload();
    await second.waitClosed();
    second.close();
    assert.equal(seeded.state.docker.running, true);
    assert.equal(seeded.state.containers.get('web')?.status, 'running');
    const status = await waitFor({
      what: 'the page of the restarted container',
      check: async () => {
        const res = await fetch('http://127.0.23.5:30080/').catch(() => undefined);
        return res?.status;
      },
    });
    assert.equal(status, 200);

    const after = await rootShell('127.0.23.5');
    try {
      assert.match(
        await after.run('service docker status', ROOT),
        /^dockerd \(pid {2}\d+\) is running\.\.\.\n$/,
      );
    } finally {
      after.close();
    }
  });
});
