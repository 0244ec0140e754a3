import { once } from 'node:events';
import { createServer as createTcpServer, Socket, type AddressInfo } from 'node:net';

import { Server, utils, type Connection } from 'ssh2';

import {
  FakeTerminal,
  type FakeTerminalOptions,
} from '../../../nxos-cli/src/testing/fake-terminal';
import { hostKeyFingerprint } from '../host-key';

/**
 * A small SSH server on 127.0.0.1 serving the scripted NX-OS terminal, with the faults the
 * pool must survive. For the pool's own tests; the switch simulator covers the rest.
 */
export interface TestSshServerOptions {
  username?: string;
  password?: string;
  terminal?: Partial<FakeTerminalOptions>;
  /** Offer only diffie-hellman-group14-sha1 and an ssh-rsa host key. */
  legacyOnly?: boolean;
  /** Refuse password authentication; accept the password through keyboard-interactive. */
  keyboardInteractiveOnly?: boolean;
  /** The first N session channel opens (over the server's life) are refused. */
  refusedChannelOpens?: number;
  /** Shell channels open at once on one connection; more are refused. */
  maxChannelsPerConnection?: number;
  /** Logged-in shells allowed at once; one more gets a session-limit line and is closed. */
  maxSessions?: number;
}

export interface TestSshServer {
  port: number;
  fingerprint: string;
  /** Successful authentications so far. */
  logins: number;
  /** Shell channels currently open. */
  openShells: number;
  /** SSH connections currently open. */
  openConnections: number;
  terminals: FakeTerminal[];
  close(): Promise<void>;
}

const HOSTNAME = 'N9K-LAB';

/**
 * ssh2's key generator now and then writes an ed25519 key whose leading zero byte is lost,
 * which it then cannot parse; such keys are drawn again.
 */
function generateHostKey(type: 'rsa' | 'ed25519'): {
  key: { private: string };
  publicBlob: Buffer;
} {
  for (;;) {
    const key =
      type === 'rsa'
        ? utils.generateKeyPairSync('rsa', { bits: 2048 })
        : utils.generateKeyPairSync('ed25519');
    const parsed = utils.parseKey(key.private);
    if (!(parsed instanceof Error))
      return { key, publicBlob: (Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH() };
  }
}

export async function startTestSshServer(
  options: TestSshServerOptions = {},
): Promise<TestSshServer> {
  const username = options.username ?? 'admin';
  const password = options.password ?? 'Lab-Pass-123';
  const { key, publicBlob } = generateHostKey(options.legacyOnly ? 'rsa' : 'ed25519');

  const clients = new Set<Connection>();
  let channelOpens = 0;
  const state: TestSshServer = {
    port: 0,
    fingerprint: hostKeyFingerprint(publicBlob),
    logins: 0,
    openShells: 0,
    openConnections: 0,
    terminals: [],
    close: async () => {
      for (const client of clients) client.end();
      server.close();
      await once(server, 'close');
    },
  };

  const server = new Server(
    {
      hostKeys: [key.private],
      algorithms: options.legacyOnly
        ? { kex: ['diffie-hellman-group14-sha1'], serverHostKey: ['ssh-rsa'] }
        : undefined,
    },
    (client) => {
      clients.add(client);
      state.openConnections++;
      const channelsOpen = new Set<object>();
      client.on('close', () => {
        clients.delete(client);
        state.openConnections--;
        // Channels still open when the connection goes are gone with it.
        state.openShells -= channelsOpen.size;
        channelsOpen.clear();
      });
      client.on('error', () => undefined);

      client.on('authentication', (ctx) => {
        if (ctx.username !== username) return ctx.reject();
        if (
          ctx.method === 'password' &&
          !options.keyboardInteractiveOnly &&
          ctx.password === password
        ) {
          state.logins++;
          return ctx.accept();
        }
        if (ctx.method === 'keyboard-interactive') {
          return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
            if (answers[0] !== password) return ctx.reject();
            state.logins++;
            ctx.accept();
          });
        }
        ctx.reject(
          options.keyboardInteractiveOnly
            ? ['keyboard-interactive']
            : ['password', 'keyboard-interactive'],
        );
      });

      client.on('session', (accept, reject) => {
        channelOpens++;
        const refused = channelOpens <= (options.refusedChannelOpens ?? 0);
        if (refused || channelsOpen.size >= (options.maxChannelsPerConnection ?? Infinity))
          return reject();

        const session = accept();
        session.on('pty', (acceptPty) => acceptPty?.());
        session.on('shell', (acceptShell) => {
          const channel = acceptShell();
          channelsOpen.add(channel);
          state.openShells++;
          channel.on('close', () => {
            if (channelsOpen.delete(channel)) state.openShells--;
          });

          if (state.openShells > (options.maxSessions ?? Infinity)) {
            channel.write('% Session limit reached\r\n');
            setImmediate(() => client.end());
            return;
          }

          const terminal = new FakeTerminal({
            hostname: HOSTNAME,
            password,
            username,
            ...options.terminal,
          });
          state.terminals.push(terminal);
          channel.on('data', (data: Buffer) => terminal.stream.write(data));
          terminal.stream.on('data', (data: Buffer) => channel.write(data));
          terminal.start();
        });
      });
    },
  );

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/**
 * A TCP relay in front of a server that can freeze: traffic stops in both directions but
 * the sockets stay open, as when the switch's process is stopped.
 */
export async function startFreezableRelay(
  targetPort: number,
): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  let frozen = false;
  const sockets = new Set<Socket>();

  const relay = createTcpServer((downstream) => {
    const upstream = new Socket();
    sockets.add(downstream).add(upstream);
    upstream.connect(targetPort, '127.0.0.1');
    downstream.on('data', (data) => frozen || upstream.write(data));
    upstream.on('data', (data) => frozen || downstream.write(data));
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });

  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');

  return {
    port: (relay.address() as AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      relay.close();
      await once(relay, 'close');
    },
  };
}
