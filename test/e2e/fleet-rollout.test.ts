import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { STEP_NAMES, WEBHOOK_HEADERS, type SwitchyardEvent } from '@switchyard/contracts';
import { verifyWebhookSignature } from '@switchyard/webhooks';
import { fleetFromCount, type SimSwitchOptions } from '../../apps/switch-sim/src';
import { collectSse, type SseMessage } from '../support/sse';
import { startStack, stackPassword, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

interface ReceivedDelivery {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Switch positions (0-based, registration order) whose bootflash is too small: they fail for good. */
const DOOMED = new Set([4, 14, 24]);

describe('a rollout over 30 switches with a canary, waves and a failure budget', () => {
  let stack: Stack;
  let receiver: Server;
  let receiverUrl: string;
  const received: ReceivedDelivery[] = [];

  before(async () => {
    const password = stackPassword();
    const switches: SimSwitchOptions[] = fleetFromCount({
      count: 30,
      address: '127.0.32.1',
      port: 2222,
      username: 'admin',
      password,
    }).map((options, i) => (DOOMED.has(i) ? { ...options, freeBootflashMb: 150 } : options));
    stack = await startStack({
      password,
      switches,
      workerConcurrency: 30,
      env: { SWITCHYARD_WEBHOOK_ALLOW: '127.0.0.0/8' },
    });
    for (const sim of stack.fleet.switches) {
      await stack.client.registerSwitch({
        name: sim.name,
        host: sim.address,
        port: sim.port,
        credentialRef: 'lab',
        tags: ['fleet'],
      });
    }

    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks`;
  });

  after(async () => {
    await stack?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('ends with 27 succeeded and 3 failed, every step on the SSE stream, one signed rollout.completed webhook', async () => {
    const hook = await fetch(`${stack.baseUrl}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, events: ['rollout.completed'] }),
    });
    assert.equal(hook.status, 201);
    const { secret } = (await hook.json()) as { secret: string };

    const created = await stack.client.createRollout({
      tags: ['fleet'],
      strategy: { concurrency: 30, canary: 2, waveSize: 10, maxFailurePercentage: 20 },
    });

    const stop = new AbortController();
    const live: SwitchyardEvent[] = [];
    const sse = collectSse(
      `${stack.baseUrl}/v1/rollouts/${created.id}/events?lastEventId=0-0`,
      { authorization: `Bearer ${stack.token}` },
      stop.signal,
      (message: SseMessage) => live.push(JSON.parse(message.data) as SwitchyardEvent),
    );
    const done = await stack.client.waitForRollout(created.id, { timeoutMs: 240_000 });

    assert.equal(done.state, 'failed', 'a rollout with failed switches ends failed');
    assert.equal(done.counts.succeeded, 27, JSON.stringify(done.counts));
    assert.equal(done.counts.failed, 3);
    assert.equal(done.counts.skipped, 0);
    const failedNames = done.switches.filter((s) => s.state === 'failed').map((s) => s.switchName);
    assert.deepEqual(
      failedNames.sort(),
      [...DOOMED].map((i) => stack.fleet.switches[i].name).sort(),
    );
    for (const run of done.switches.filter((s) => s.state === 'failed')) {
      assert.equal(run.error?.code, 'INSUFFICIENT_BOOTFLASH');
    }

    // The SSE stream carried every step of every switch, then the rollout's end.
    await waitFor({
      what: 'rollout.completed on the SSE stream',
      check: () => (live.some((e) => e.type === 'rollout.completed') ? true : undefined),
      pending: () => `${live.length} events so far`,
    });
    stop.abort();
    await sse;
    for (const run of done.switches.filter((s) => s.state === 'succeeded')) {
      for (const step of STEP_NAMES) {
        const finished = live.filter(
          (e) => e.type === 'step.finished' && e.switchId === run.switchId && e.step === step,
        );
        assert.equal(finished.length, 1, `${run.switchName} ${step} finished once on the stream`);
      }
    }
    for (const run of done.switches.filter((s) => s.state === 'failed')) {
      const failed = live.filter((e) => e.type === 'step.failed' && e.switchId === run.switchId);
      assert.ok(
        failed.length > 0 &&
          failed.every((e) => (e.data as { code: string }).code === 'INSUFFICIENT_BOOTFLASH'),
      );
    }

    // Exactly one signed rollout.completed reached the receiver, and it verifies.
    const webhookId = (
      (await (
        await fetch(`${stack.baseUrl}/v1/webhooks`, {
          headers: { authorization: `Bearer ${stack.token}` },
        })
      ).json()) as { id: string }[]
    )[0].id;
    await waitFor({
      what: 'the rollout.completed delivery to succeed',
      check: async () => {
        const response = await fetch(`${stack.baseUrl}/v1/webhooks/${webhookId}/deliveries`, {
          headers: { authorization: `Bearer ${stack.token}` },
        });
        const deliveries = (await response.json()) as { status: string; eventType: string }[];
        return deliveries.length > 0 && deliveries.every((d) => d.status === 'succeeded')
          ? deliveries
          : undefined;
      },
    }).then((deliveries) => assert.equal(deliveries.length, 1));
    const completed = received.filter(
      (d) => d.headers[WEBHOOK_HEADERS.event] === 'rollout.completed',
    );
    assert.equal(completed.length, 1);
    const verdict = verifyWebhookSignature({
      secret,
      body: completed[0].body,
      timestampHeader: String(completed[0].headers[WEBHOOK_HEADERS.timestamp]),
      signatureHeader: String(completed[0].headers[WEBHOOK_HEADERS.signature]),
    });
    assert.deepEqual(verdict, { ok: true });
    const payload = JSON.parse(completed[0].body.toString('utf8')) as SwitchyardEvent;
    assert.equal(payload.rolloutId, created.id);
  });

  it('with a 5% budget stops starting switches after the second failure and ends failed with skipped switches', async () => {
    const created = await stack.client.createRollout({
      tags: ['fleet'],
      strategy: { concurrency: 30, canary: 2, waveSize: 10, maxFailurePercentage: 5 },
    });
    const done = await stack.client.waitForRollout(created.id, { timeoutMs: 240_000 });

    assert.equal(done.state, 'failed');
    assert.equal(done.counts.failed, 2, JSON.stringify(done.counts));
    // The last wave (positions 22-29) never started: the budget was spent in the wave before.
    const skipped = done.switches.filter((s) => s.state === 'skipped').map((s) => s.switchName);
    assert.deepEqual(
      skipped.sort(),
      stack.fleet.switches
        .slice(22)
        .map((s) => s.name)
        .sort(),
    );
    assert.match(done.reason ?? '', /budget/i);
    for (const run of done.switches.filter((s) => s.state === 'skipped')) {
      assert.equal(run.error?.code, 'SKIPPED');
      assert.match(run.error?.hint ?? '', /run the rollout again/);
    }
  });
});
