import type { CliMode } from './cli-session';

/**
 * Characters NX-OS accepts in a hostname (at most 32 of them). The login prompt is found
 * before the hostname is known, so this class is what a candidate prompt may start with.
 */
const HOSTNAME_CHARS = '[A-Za-z0-9][A-Za-z0-9_.-]{0,31}';

/**
 * `N9K-LAB# `, `N9K-LAB(config)# `, `N9K-LAB(config-if)# `, `N9K-LAB(maint-mode)# `, and
 * stacked as in maintenance mode: `N9K-LAB(maint-mode)(config)# `. The last part is the mode.
 */
const NXOS_PROMPT_TAIL = '((?:\\([a-z][a-z0-9-]*\\))*)# ?';

/** `bash-4.3$ ` as the login user, `bash-4.4# ` as root. */
const BASH_PROMPT = /^bash-\d+(?:\.\d+)*([$#]) ?$/;

/**
 * `root@N9K-LAB#` (with or without a space) after `run bash sudo su -`; the Linux side may
 * add a working directory (`root@N9K-LAB:~#`).
 */
const ROOT_PROMPT = /^root@[A-Za-z0-9][A-Za-z0-9_.-]{0,62}(?::[^\s#$]*)?# ?$/;

const ANY_NXOS_PROMPT = new RegExp(`^(${HOSTNAME_CHARS})${NXOS_PROMPT_TAIL}$`);

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

export interface PromptMatch {
  hostname: string | null;
  mode: CliMode;
}

/** The CLI mode an NX-OS prompt's parenthesised part names (`config-if`, `maint-mode`). */
function modeOfSubmode(parts: string | undefined): CliMode {
  const submode = parts ? /\(([^()]*)\)$/.exec(parts)?.[1] : undefined;
  if (submode === undefined) return 'exec';
  if (submode.startsWith('config-if')) return 'config-if';
  if (submode.startsWith('config')) return 'config';

  // maint-mode and other exec-level modes take exec commands such as `show`.
  return 'exec';
}

function matchShellPrompt(line: string): PromptMatch | null {
  const bash = BASH_PROMPT.exec(line);
  if (bash) return { hostname: null, mode: bash[1] === '#' ? 'root-bash' : 'bash' };
  if (ROOT_PROMPT.test(line)) return { hostname: null, mode: 'root-bash' };
  return null;
}

/**
 * Recognises a prompt line of any host: used at login, before the hostname is known. A
 * banner line such as `#### AUTHORIZED USE ONLY ####` never matches (spaces, and `#` is
 * not a hostname character).
 */
export function matchAnyPrompt(line: string): PromptMatch | null {
  // `bash-4.4# ` would also read as an NX-OS prompt of a host named `bash-4.4`.
  const shell = matchShellPrompt(line);
  if (shell) return shell;

  const nxos = ANY_NXOS_PROMPT.exec(line);
  return nxos ? { hostname: nxos[1], mode: modeOfSubmode(nxos[2]) } : null;
}

/** Prompt matcher for one known hostname; the name is escaped before it enters the pattern. */
export function promptMatcherFor(hostname: string): (line: string) => PromptMatch | null {
  const nxosPrompt = new RegExp(`^${escapeRegExp(hostname)}${NXOS_PROMPT_TAIL}$`);

  return (line) => {
    const nxos = nxosPrompt.exec(line);
    if (nxos) return { hostname, mode: modeOfSubmode(nxos[1]) };
    return matchShellPrompt(line);
  };
}

/**
 * A Bash prompt at the end of a line that also holds output (the output had no final
 * newline). Only the shell prompts of this host count, so NX-OS output cannot trip it.
 */
export function splitTrailingShellPrompt(
  line: string,
  hostname: string,
): { prompt: PromptMatch; outputLength: number } | null {
  const pattern = new RegExp(
    `(?:root@${escapeRegExp(hostname)}(?::[^\\s#$]*)?#|bash-\\d+(?:\\.\\d+)*([$#])) ?$`,
  );
  const found = pattern.exec(line);
  if (!found || found.index === 0) return null;

  const mode: CliMode = found[1] === '$' ? 'bash' : 'root-bash';
  return { prompt: { hostname: null, mode }, outputLength: found.index };
}

/** `[sudo] password for admin: ` (no newline after it), or `Password:` from `su`. */
export const PASSWORD_PROMPT = /^(?:\[sudo\] password for [^:\s]+|Password): ?$/;

/** `Do you want to continue? (y/n)  [n] `, `This command will reboot the system. (y/n)?  [n] `. */
export const CONFIRM_PROMPT = /\(y\/n\)\??\s*(?:\[[yn]\])?\s*$/i;

/** NX-OS caret errors: the command was not accepted at all. */
export const CARET_ERROR = /^% (?:Invalid|Ambiguous|Incomplete) (?:command|input|parameter)\b.*$/m;

/**
 * A line some switches print before closing a login they will not serve. Read from what
 * the switch printed, as there is no SSH-level code for it.
 */
export const SESSION_LIMIT_LINE =
  /session limit|maximum (?:number of )?(?:sessions|logins)|too many (?:sessions|logins|users)|no more (?:sessions|vty)/i;
