import { isSwitchyardError } from '@switchyard/contracts';
import { COMMAND_PARSERS, findCommandParser } from '@switchyard/nxos-parsers';

// Exit codes: 1 for output the parser cannot read, 2 for a usage error.
const EXIT_UNREADABLE = 1;
const EXIT_USAGE = 2;

// Fixture files start with a line naming their source; it is not device output.
const SOURCE_LINE = /^# SOURCE:[^\n]*\n?/;

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: npm run -s parse -- "<command>" < FILE\nknown commands:\n${COMMAND_PARSERS.map((p) => `  ${p.name}`).join('\n')}\n`,
  );
  process.exit(EXIT_USAGE);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const commandLine = process.argv.slice(2).join(' ').trim();
  if (commandLine === '') usage('no command given');

  const parser = findCommandParser(commandLine);
  if (!parser) usage(`unknown command "${commandLine}"`);

  const text = (await readStdin()).replace(SOURCE_LINE, '');
  try {
    process.stdout.write(`${JSON.stringify(parser.parse(text), null, 2)}\n`);
  } catch (err) {
    if (!isSwitchyardError(err)) throw err;
    process.stderr.write(`${err.code}: ${err.message}\n`);
    process.exitCode = EXIT_UNREADABLE;
  }
}

void main();
