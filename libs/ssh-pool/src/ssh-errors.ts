import { SwitchyardError } from '@switchyard/contracts';

/** What ssh2 attaches to its errors: `level` says which layer failed, `code` the socket errno. */
export interface Ssh2Error extends Error {
  level?: string;
  code?: string;
}

/**
 * Maps an error ssh2 raised before the login completed. Decided by ssh2's `level` and the
 * socket's `code`; ssh2's message is only carried along for the operator.
 */
export function classifyConnectError(err: Ssh2Error, where: string): SwitchyardError {
  const detail = `${where}: ${err.message}`;

  if (err.code === 'ECONNREFUSED')
    return new SwitchyardError('CONNECTION_REFUSED', `connection refused by ${where}`, {
      cause: err,
    });
  if (err.code === 'ETIMEDOUT' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
    return new SwitchyardError('CONNECT_TIMEOUT', `no route or no answer from ${detail}`, {
      cause: err,
    });
  }

  switch (err.level) {
    case 'client-timeout':
      return new SwitchyardError(
        'CONNECT_TIMEOUT',
        `the SSH handshake with ${where} did not complete in time`,
        { cause: err },
      );
    case 'client-authentication':
      return new SwitchyardError(
        'AUTH_FAILED',
        `${where} rejected the username and password (password and keyboard-interactive tried)`,
        { cause: err },
      );
    case 'handshake':
      return new SwitchyardError(
        'ALGORITHM_MISMATCH',
        `no SSH algorithm in common with ${detail}; if the switch only offers diffie-hellman-group14-sha1 / ssh-rsa, enable legacyAlgorithms for it`,
        { cause: err },
      );
    default:
      return new SwitchyardError('CONNECTION_DROPPED', `the SSH connection to ${detail}`, {
        cause: err,
      });
  }
}
