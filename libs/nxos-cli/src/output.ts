/** CSI sequences (colours, erase line, cursor moves), OSC titles and lone two-byte escapes. */
const ANSI_ESCAPE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/**
 * The pager text NX-OS prints every screenful when `terminal length 0` was not accepted,
 * with whatever erases it after the answer: spaces and carriage returns on the same line,
 * or one line break.
 */
const PAGER = /[^\S\n]*--More--[^\S\n]*(?:\r[^\S\n]*)*\n?/g;

/** True when the text (ANSI already removed) currently stops at a pager prompt. */
export function endsWithPager(text: string): boolean {
  return /--More--[^\S\n]*$/.test(text);
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

/**
 * Turns raw terminal output into plain lines: ANSI removed, `\r\r\n` and `\r\n` as `\n`,
 * pager text and the carriage returns of line-wrap artefacts removed.
 */
export function normaliseTerminalText(raw: string): string {
  return stripAnsi(raw)
    .replace(/\r+\n/g, '\n')
    .replace(PAGER, '')
    .replace(/\r/g, '')
    .replace(OTHER_CONTROL, '');
}

/**
 * Where the output starts: just past the line break that ends the echoed command, or -1
 * while the echo is not complete. Whitespace is ignored, so an echo that the terminal
 * wrapped over several lines, or that follows a stray prompt, is still found.
 */
export function findEchoEnd(text: string, command: string): number {
  const wanted = command.replace(/\s+/g, '');
  let from = 0;

  if (wanted !== '') {
    const positions: number[] = [];
    let compact = '';
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i])) continue;
      compact += text[i];
      positions.push(i);
    }
    const at = compact.indexOf(wanted);
    if (at < 0) return -1;
    from = positions[at + wanted.length - 1];
  }

  const lineBreak = text.indexOf('\n', from);
  return lineBreak < 0 ? -1 : lineBreak + 1;
}
