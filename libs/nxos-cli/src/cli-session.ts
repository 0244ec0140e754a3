import type { TranscriptEntry } from '@switchyard/contracts';

/**
 * Where the interactive shell stands. `bash` is `run bash` as the login user
 * (`bash-4.3$`), `root-bash` is `run bash sudo su -` (`root@<host>#`) or a root bash.
 */
export type CliMode = 'exec' | 'config' | 'config-if' | 'bash' | 'root-bash';

export interface CommandOptions {
  /** Deadline for this command's prompt to come back, in ms. Default: the session's. */
  timeoutMs?: number;
  /**
   * NX-OS commands that ask `(y/n)  [n]` get this answer. Default: no answer is given and
   * the confirmation is treated as a failure (UNEXPECTED_OUTPUT).
   */
  confirm?: 'y' | 'n';
}

/**
 * One interactive NX-OS CLI session (an SSH shell channel) driven by its prompts.
 *
 * Contract:
 * - `run` sends one line and resolves with its output, with the echoed command line, the
 *   trailing prompt, `--More--` pager text and ANSI escapes removed, and `\r\n` normalised
 *   to `\n`. Never resolves with output of an earlier command.
 * - An NX-OS caret error (`% Invalid command at '^' marker.`, `% Ambiguous ...`,
 *   `% Incomplete ...`) rejects with SwitchyardError INVALID_COMMAND.
 * - A missed deadline rejects with COMMAND_TIMEOUT and leaves the session `broken`: it
 *   must be discarded, never reused, so late output cannot land in a later result.
 * - A closed channel or connection rejects with CONNECTION_DROPPED and leaves it broken.
 */
export interface CliSession {
  /** The device's hostname as read from its prompt. */
  readonly hostname: string;
  readonly mode: CliMode;
  /** True after a timeout or a drop: the owner must discard the session. */
  readonly broken: boolean;

  run(command: string, options?: CommandOptions): Promise<TranscriptEntry>;

  /**
   * Moves to a mode: exec (`end`, `exit` out of bash), config (`configure terminal`),
   * root-bash (`run bash sudo su -`, answering a sudo password prompt with the login
   * password, which is never logged or put in a transcript). Each mode change sent is
   * recorded in the transcript like any command.
   */
  ensureMode(mode: 'exec' | 'config' | 'root-bash', options?: CommandOptions): Promise<void>;

  /** Entries recorded since the last call, then forgets them. */
  takeTranscript(): TranscriptEntry[];

  close(): Promise<void>;
}
