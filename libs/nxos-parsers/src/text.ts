import { SwitchyardError } from '@switchyard/contracts';

/**
 * A CLI prompt at the start of a line, optionally followed by the command typed after it:
 * `switch# `, `N9K(config-if)# `, `root@N9K#` (with or without a space), `bash-4.3$ `.
 */
const PROMPT_LINE =
  /^(?<prompt>[A-Za-z0-9][A-Za-z0-9_.-]*(?:\([A-Za-z0-9-]+\))?#|root@[A-Za-z0-9_.-]+#|bash-\d+\.\d+[#$])(?: ?(?<command>.*))$/;

export interface PromptLine {
  prompt: string;
  command: string;
}

/** Reads a line as a prompt (with the command typed after it, if any), or null. */
export function matchPromptLine(line: string): PromptLine | null {
  const match = PROMPT_LINE.exec(line.trimEnd());
  if (!match?.groups) return null;
  return { prompt: match.groups.prompt, command: (match.groups.command ?? '').trim() };
}

/**
 * Splits raw command output into lines a parser can read: CRLF and stray CR removed,
 * trailing spaces dropped, leading and trailing blank lines dropped, and an echoed
 * `prompt command` line at the top and a bare prompt at the bottom stripped (captures
 * taken without prompt stripping have both).
 */
export function outputLines(text: string): string[] {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd());

  dropBlankEdges(lines);
  const first = lines.length > 0 ? matchPromptLine(lines[0]) : null;
  if (first && first.command !== '') {
    lines.shift();
    dropBlankEdges(lines);
  }

  const last = lines.length > 0 ? matchPromptLine(lines[lines.length - 1]) : null;
  if (last && last.command === '') {
    lines.pop();
    dropBlankEdges(lines);
  }

  return lines;
}

function dropBlankEdges(lines: string[]): void {
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
}

/** One command of a captured session and what the device printed after it. */
export interface SessionBlock extends PromptLine {
  output: string;
}

/**
 * Cuts a captured interactive session (prompts, commands and output interleaved, as in a
 * terminal log) into one block per command. Text before the first prompt (a login banner)
 * is dropped.
 */
export function splitSession(text: string): SessionBlock[] {
  const blocks: SessionBlock[] = [];
  let current: { prompt: string; command: string; lines: string[] } | null = null;

  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const prompt = matchPromptLine(line);
    if (prompt) {
      if (current)
        blocks.push({
          prompt: current.prompt,
          command: current.command,
          output: current.lines.join('\n'),
        });
      current = { ...prompt, lines: [] };
      continue;
    }
    current?.lines.push(line);
  }
  if (current)
    blocks.push({
      prompt: current.prompt,
      command: current.command,
      output: current.lines.join('\n'),
    });

  return blocks.filter((block) => block.command !== '');
}

/** The error every parser throws on text it cannot read, naming what it expected. */
export function unexpectedOutput(
  command: string,
  expected: string,
  found?: string,
): SwitchyardError {
  const where =
    found === undefined ? 'the output was empty' : `found ${JSON.stringify(truncate(found, 120))}`;
  return new SwitchyardError(
    'UNEXPECTED_OUTPUT',
    `cannot read "${command}" output: expected ${expected}; ${where}`,
  );
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}...`;
}
