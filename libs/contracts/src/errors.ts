/**
 * Every failure Switchyard reports carries one of these codes. Retry decisions read the
 * code (through `retryable`), never the message text.
 */
export const ERROR_CATALOGUE = {
  AUTH_FAILED: {
    retryable: false,
    hint: 'Check the username and password stored under the switch credentialRef.',
  },
  CREDENTIALS_MISSING: {
    retryable: false,
    hint: 'Add the credentialRef to the file named by SWITCHYARD_CREDENTIALS on every worker.',
  },
  HOST_KEY_MISMATCH: {
    retryable: false,
    hint: 'The switch presented a different SSH host key than the pinned one; verify the device, then re-pin with PATCH /v1/switches/:id.',
  },
  ALGORITHM_MISMATCH: {
    retryable: false,
    hint: 'The switch only offers legacy SSH algorithms; enable legacyAlgorithms on the switch if that is acceptable.',
  },
  ADDRESS_NOT_ALLOWED: {
    retryable: false,
    hint: 'The address is outside SWITCHYARD_SWITCH_NETWORKS; add its network to the allow-list.',
  },
  CONNECTION_REFUSED: {
    retryable: true,
    hint: 'Nothing answered on the SSH port; check the address, port and that SSH is enabled.',
  },
  CONNECT_TIMEOUT: {
    retryable: true,
    hint: 'The switch did not complete the SSH handshake in time; check reachability.',
  },
  SESSION_LIMIT: {
    retryable: true,
    hint: 'The switch refused another CLI session; other tools may hold sessions open.',
  },
  CHANNEL_OPEN_FAILED: {
    retryable: true,
    hint: 'The switch refused a new SSH channel; the connection is replaced.',
  },
  CONNECTION_DROPPED: {
    retryable: true,
    hint: 'The SSH connection closed mid-step; the step is retried on a new connection.',
  },
  KEEPALIVE_TIMEOUT: {
    retryable: true,
    hint: 'The switch stopped answering SSH keepalives; the connection was dropped.',
  },
  COMMAND_TIMEOUT: {
    retryable: true,
    hint: 'A command did not return its prompt before its deadline; the session was discarded.',
  },
  INVALID_COMMAND: {
    retryable: false,
    hint: 'The switch rejected a command; check the NX-OS release and the feature it needs.',
  },
  UNSUPPORTED_VERSION: { retryable: false, hint: 'Docker on NX-OS needs release 9.2(1) or later.' },
  UNEXPECTED_OUTPUT: {
    retryable: false,
    hint: 'The switch answered in a form Switchyard cannot read; attach the step transcript to a bug report.',
  },
  INSUFFICIENT_BOOTFLASH: {
    retryable: false,
    hint: 'Free space on bootflash (the docker storage needs about 300 MB), then run the rollout again.',
  },
  NO_SPACE_ON_DEVICE: {
    retryable: false,
    hint: 'The image does not fit the docker storage; grow /bootflash/dockerpart or use a smaller image.',
  },
  NAME_IN_USE: {
    retryable: false,
    hint: 'Another container already uses this name with a different image or ports; remove it or choose another name.',
  },
  PORT_IN_USE: {
    retryable: false,
    hint: 'The host port is already published by another container; free it or choose another port.',
  },
  IMAGE_PULL_FAILED: {
    retryable: true,
    hint: 'The image could not be pulled; check the management network, DNS and proxy.',
  },
  DOCKER_NOT_RUNNING: {
    retryable: true,
    hint: 'The docker daemon is not running; run the start-docker step first.',
  },
  MGMT_NOT_READY: {
    retryable: true,
    hint: 'mgmt0 has no address or default route yet; DHCP may still be in progress.',
  },
  VERIFY_FAILED: {
    retryable: true,
    hint: 'The change was made but its check did not pass; see the step transcript.',
  },
  HTTP_CHECK_FAILED: {
    retryable: true,
    hint: 'The published port did not answer as expected over HTTP from outside the switch.',
  },
  SWITCH_NOT_FOUND: {
    retryable: false,
    hint: 'The switch was removed from the inventory after the job was submitted.',
  },
  CANCELLED: { retryable: false, hint: 'The rollout was cancelled before this switch started.' },
  SKIPPED: {
    retryable: false,
    hint: 'Not started: the rollout stopped (failure budget or canary). Fix the failed switches, then run the rollout again.',
  },
  LOCK_LOST: {
    retryable: true,
    hint: 'Another run took over this switch; this run stopped to avoid two at once.',
  },
  INTERNAL: { retryable: true, hint: 'An unexpected error; see the worker log for the job.' },
} as const satisfies Record<string, { retryable: boolean; hint: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function isRetryable(code: ErrorCode): boolean {
  return ERROR_CATALOGUE[code].retryable;
}

/**
 * The one error type the libraries throw for failures they understand. The worker turns
 * the non-retryable ones into BullMQ's UnrecoverableError at the queue boundary.
 */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return isRetryable(this.code);
  }

  /** What the operator should do next, from the catalogue. */
  get hint(): string {
    return ERROR_CATALOGUE[this.code].hint;
  }
}

export function isSwitchyardError(err: unknown): err is SwitchyardError {
  return (
    err instanceof SwitchyardError ||
    (err instanceof Error && err.name === 'SwitchyardError' && 'code' in err)
  );
}
