import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFixture } from '../fixtures/load';
import { matchPromptLine, outputLines, splitSession } from './text';

describe('outputLines', () => {
  it('drops CRLF, trailing spaces, blank edges, the echoed command and the trailing prompt', () => {
    assert.deepEqual(
      outputLines(
        '\r\nN9K-LAB(config-if)# show ip int brief   \r\nline one   \r\n\r\nline two\r\nN9K-LAB(config-if)# ',
      ),
      ['line one', '', 'line two'],
    );
    assert.deepEqual(outputLines('root@N9K#service docker status\ndockerd is stopped\nroot@N9K#'), [
      'dockerd is stopped',
    ]);
    assert.deepEqual(outputLines('no prompt at all'), ['no prompt at all']);
  });
});

describe('matchPromptLine', () => {
  it('recognises exec, config, root and bash prompts and nothing in device output', () => {
    assert.deepEqual(matchPromptLine('n9k_lab.dc1-01(config-if)# vrf member management'), {
      prompt: 'n9k_lab.dc1-01(config-if)#',
      command: 'vrf member management',
    });
    assert.deepEqual(matchPromptLine('root@NX-OS9000v#docker ps'), {
      prompt: 'root@NX-OS9000v#',
      command: 'docker ps',
    });
    assert.deepEqual(matchPromptLine('bash-4.4$ sudo su -'), {
      prompt: 'bash-4.4$',
      command: 'sudo su -',
    });
    assert.equal(matchPromptLine('#### AUTHORIZED USE ONLY ####'), null);
    assert.equal(
      matchPromptLine(
        'DNAT       tcp  --  anywhere             anywhere             tcp dpt:30080 to:172.17.0.2:80',
      ),
      null,
    );
  });
});

describe('splitSession', () => {
  it('cuts a captured session into commands and their output', () => {
    const blocks = splitSession(
      loadFixture('36_ictinfra_blog_n9kv_9.3.1_mgmt_vrf_docker_start_EXCERPT.txt'),
    );

    assert.deepEqual(
      blocks.map((block) => block.command),
      [
        'show ip int brief vrf management',
        'show ip route vrf management',
        'run bash sudo su -',
        'service docker start',
      ],
    );
    assert.match(blocks[3].output, /Carving docker bootflash storage: 300 MB/);
  });
});
