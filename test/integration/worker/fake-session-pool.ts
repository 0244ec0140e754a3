import type { TranscriptEntry } from '@switchyard/contracts';
import type { CliSession } from '@switchyard/nxos-cli';
import type { SessionLease, SessionPool, SwitchTarget } from '@switchyard/ssh-pool';

/** A session pool that logs in nowhere; counts leases so tests can check they are returned. */
export class FakeSessionPool implements SessionPool {
  leased = 0;
  discarded = 0;

  async acquire(target: SwitchTarget): Promise<SessionLease> {
    this.leased += 1;
    const session: CliSession = {
      hostname: target.name,
      mode: 'exec',
      broken: false,
      run: async (command: string): Promise<TranscriptEntry> => ({
        command,
        output: '',
        durationMs: 0,
      }),
      ensureMode: async () => undefined,
      takeTranscript: () => [],
      close: async () => undefined,
    };
    return {
      session,
      release: () => {
        this.leased -= 1;
      },
      discard: () => {
        this.leased -= 1;
        this.discarded += 1;
      },
    };
  }

  async closeAll(): Promise<void> {}

  stats() {
    return { connections: 0, leased: this.leased };
  }
}
