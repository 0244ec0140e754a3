import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { waitFor } from '../../support/wait';
import { ShellDriver, connect, execCommand } from './sim-client';

const ADDRESS = '127.0.21.1';
const PORT = 2401;
const HOST = 'NX-OS9000v-1';
const login = { host: ADDRESS, port: PORT, username: 'admin', password: 'admin-secret' };
const EXEC = new RegExp(`${HOST}# $`);
const CONFIG = new RegExp(`${HOST}\\(config\\)# $`);
const CONFIG_IF = new RegExp(`${HOST}\\(config-if\\)# $`);
const ROOT = new RegExp(`root@${HOST}#$`);

describe('switch simulator: the procedure of the reference transcript', () => {
  let fleet: SimFleet;
  let cli: ShellDriver;

  before(async () => {
    fleet = await startFleet({
      timeScale: 0.01,
      switches: [
        {
          name: HOST,
          address: ADDRESS,
          port: PORT,
          username: login.username,
          password: login.password,
        },
      ],
    });
    cli = await ShellDriver.open(login);
    await cli.waitFor(EXEC);
  });

  after(async () => {
    cli?.close();
    await fleet?.close();
  });

  it('refuses run bash while feature bash-shell is off, with the caret under bash', async () => {
    const out = await cli.run('run bash sudo su -', EXEC);
    const caretColumn = out.split('\n')[0]!.indexOf('^');
    assert.equal(caretColumn, `${HOST}# run `.length);
    assert.match(out, /% Invalid command at '\^' marker\./);
  });

  it('configures bash-shell, dhcp and mgmt0 in the management VRF', async () => {
    assert.equal(
      await cli.run('configure terminal', CONFIG),
      'Enter configuration commands, one per line. End with CNTL/Z.\n',
    );
    assert.equal(await cli.run('feature bash-shell', CONFIG), '');
    assert.equal(await cli.run('feature dhcp', CONFIG), '');
    assert.equal(await cli.run('interface mgmt0', CONFIG_IF), '');
    assert.equal(await cli.run('ip address dhcp', CONFIG_IF), '');
    assert.equal(await cli.run('vrf member management', CONFIG_IF), '');

    const lease = await waitFor({
      what: 'the DHCP lease on mgmt0',
      check: async () => {
        const out = await cli.run('show ip int brief vrf management', CONFIG_IF);
        return /mgmt0\s+127\.0\.21\.1\s+protocol-up\/link-up\/admin-up/.test(out) ? out : undefined;
      },
      pending: () => JSON.stringify(fleet.byName(HOST).state.mgmt0),
    });
    assert.match(
      lease,
      /^\nIP Interface Status for VRF "management"\(2\)\nInterface {12}IP Address {6}Interface Status\n/,
    );

    const routes = await cli.run('show ip route vrf management', CONFIG_IF);
    assert.match(routes, /^IP Route Table for VRF "management"\n/);
    assert.match(
      routes,
      /0\.0\.0\.0\/0, ubest\/mbest: 1\/0\n {4}\*via 127\.0\.21\.254, \[1\/0\], (\d\d:\d\d:\d\d|\d+d\d\dh|\d+w\d+d), static\n/,
    );
    assert.match(
      routes,
      /127\.0\.21\.0\/24, ubest\/mbest: 1\/0, attached\n {4}\*via 127\.0\.21\.1, mgmt0, \[0\/0\], \S+, direct/,
    );
    assert.match(
      routes,
      /127\.0\.21\.1\/32, ubest\/mbest: 1\/0, attached\n {4}\*via 127\.0\.21\.1, mgmt0, \[0\/0\], \S+, local/,
    );

    assert.equal(await cli.run('end', EXEC), '');
    const running = await cli.run('show running-config interface mgmt0', EXEC);
    assert.match(running, /interface mgmt0\n {2}vrf member management\n {2}ip address dhcp\n/);
  });

  it('starts docker the first time with carving, then reports it running', async () => {
    assert.equal(await cli.run('run bash sudo su -', ROOT), '');
    const start = await cli.run('service docker start', ROOT);
    assert.match(
      start,
      /^Free bootflash: 1873 MB, total bootflash: 3471 MB\nCarving docker bootflash storage: 300 MB\n300\+0 records in\n300\+0 records out\n300000000 bytes \(300 MB\) copied, \d+\.\d{4} s, [\d.]+ MB\/s\n/,
    );
    assert.match(
      start,
      /losetup: \/bootflash\/dockerpart: Warning: file does not fit into a 512-byte sector; the end of the file will be ignored\./,
    );
    assert.match(start, /mke2fs 1\.42\.9 \(28-Dec-2013\)/);
    assert.match(start, /tune2fs 1\.42\.9 \(28-Dec-2013\)/);
    assert.match(start, /Starting dockerd with args '--debug=true': {6}\.\n\n$/);

    assert.match(
      await cli.run('service docker status', ROOT),
      /^dockerd \(pid {2}\d+\) is running\.\.\.\n$/,
    );
    assert.equal(await cli.run('ip netns show', ROOT), 'management (id: 1)\ndefault (id: 0)\n');
    const ifconfig = await cli.run('ip netns exec management ifconfig', ROOT);
    assert.match(ifconfig, /^docker0 {3}Link encap:Ethernet/);
    assert.match(ifconfig, /inet addr:172\.17\.0\.1 {2}Bcast:0\.0\.0\.0 {2}Mask:255\.255\.0\.0/);
    assert.match(
      ifconfig,
      /eth1 {6}Link encap:Ethernet[^\n]*\n {10}inet addr:127\.0\.21\.1 {2}Bcast:127\.0\.21\.255 {2}Mask:255\.255\.255\.0/,
    );
    assert.match(
      await cli.run('ls -l /bootflash/dockerpart', ROOT),
      /^-rw-r--r-- 1 root root 300000000 \w{3} [ \d]\d \d\d:\d\d \/bootflash\/dockerpart\n$/,
    );
  });

  it('runs nginx with a published port that answers over real HTTP with the copied page', async () => {
    const run = await cli.run('docker run -d -p 30080:80 --rm --name web nginx', ROOT);
    assert.match(
      run,
      /^Unable to find image 'nginx:latest' locally\nlatest: Pulling from library\/nginx\n(\w{12}: Pull complete \n)+Digest: sha256:\w{64}\nStatus: Downloaded newer image for nginx:latest\n[0-9a-f]{64}\n$/,
    );

    const welcome = await fetch(`http://${ADDRESS}:30080/`);
    assert.equal(welcome.status, 200);
    assert.match(await welcome.text(), /Welcome to nginx!/);

    assert.equal(await cli.run('echo "NX-OS9000v" > index.html', ROOT), '');
    assert.equal(
      await cli.run('docker cp index.html web:/usr/share/nginx/html/index.html', ROOT),
      '',
    );
    const page = await fetch(`http://${ADDRESS}:30080/`);
    assert.equal(await page.text(), 'NX-OS9000v\n');

    const ps = (await cli.run('docker ps', ROOT)).split('\n');
    assert.equal(
      ps[0],
      'CONTAINER ID        IMAGE               COMMAND                  CREATED             STATUS              PORTS                   NAMES',
    );
    assert.match(
      ps[1]!,
      /^[0-9a-f]{12} {8}nginx {15}"nginx -g 'daemon \.\.\." {3}.{20}Up .{17}0\.0\.0\.0:30080->80\/tcp {3}web$/,
    );

    const nat = await cli.run('ip netns exec management iptables -L -t nat', ROOT);
    assert.match(
      nat,
      /\nDNAT {7}tcp {2}-- {2}anywhere {13}anywhere {13}tcp dpt:30080 to:172\.17\.0\.2:80\n/,
    );
    assert.match(nat, /\nMASQUERADE {2}all {2}-- {2}172\.17\.0\.0\/16 {8}anywhere {12}\n/);
    assert.match(nat, /^Chain PREROUTING \(policy ACCEPT\)\n/);
    const numeric = await cli.run('ip netns exec management iptables -L -t nat -n', ROOT);
    assert.match(
      numeric,
      /DNAT {7}tcp {2}-- {2}0\.0\.0\.0\/0 {12}0\.0\.0\.0\/0 {12}tcp dpt:30080 to:172\.17\.0\.2:80/,
    );
    assert.deepEqual(fleet.byName(HOST).state.natRules, [
      { hostPort: 30080, containerIp: '172.17.0.2', containerPort: 80, container: 'web' },
    ]);
  });

  it('refuses a second container with the same name or the same port', async () => {
    const sameName = await cli.run('docker run -d -p 30081:80 --name web nginx', ROOT);
    assert.match(
      sameName,
      /^docker: Error response from daemon: Conflict\. The container name "\/web" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.\n/,
    );
    const samePort = await cli.run('docker run -d -p 30080:80 --name web2 nginx', ROOT);
    assert.match(samePort, /Bind for 0\.0\.0\.0:30080 failed: port is already allocated\./);
  });

  it('keeps the state for the next session and over exec channels', async () => {
    const second = await ShellDriver.open(login);
    try {
      await second.waitFor(EXEC);
      assert.match(
        await second.run('show feature | include bash-shell', EXEC),
        /^bash-shell\s+1\s+enabled\n$/,
      );
      await second.run('run bash sudo su -', ROOT);
      assert.match(await second.run('docker ps', ROOT), / web\n$/);
      assert.equal(await second.run('cat index.html', ROOT), 'NX-OS9000v\n');
      assert.equal(await second.run('exit', EXEC), 'logout\n');
    } finally {
      second.close();
    }

    const client = await connect(login);
    try {
      const version = await execCommand(client, 'show version');
      assert.equal(version.code, 0);
      assert.match(version.output, /NXOS: version 9\.3\(1\)/);
      const status = await execCommand(client, 'run bash sudo service docker status');
      assert.match(status.output, /^dockerd \(pid {2}\d+\) is running\.\.\.\n$/);
    } finally {
      client.end();
    }
  });

  it('closes the HTTP listener when the container is removed', async () => {
    assert.equal(await cli.run('docker rm -f web', ROOT), 'web\n');
    await assert.rejects(fetch(`http://${ADDRESS}:30080/`));
    assert.doesNotMatch(await cli.run('ip netns exec management iptables -L -t nat', ROOT), /DNAT/);
  });

  it('leaves root bash with logout and the session with exit', async () => {
    assert.equal(await cli.run('exit', EXEC), 'logout\n');
    cli.write('exit\n');
    await cli.waitClosed();
    await waitFor({
      what: 'no open CLI session',
      check: () => (fleet.byName(HOST).activeSessions() === 0 ? true : undefined),
    });
  });
});
