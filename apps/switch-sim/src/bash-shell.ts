import { formatLsDate, type DeviceClock } from './clock';
import type { DeviceState } from './device-state';
import type { DockerDaemon } from './docker-daemon';
import type { DockerEngine, ShellFiles, ShellIo } from './docker-engine';
import { ifconfigManagement, iptablesNat } from './linux-text';

/** What one bash prompt of a CLI session knows about itself. */
export interface BashContext {
  state: DeviceState;
  engine: DockerEngine;
  daemon: DockerDaemon;
  clock: DeviceClock;
  user: string;
  root: boolean;
  cwd: string;
}

type Word = { kind: 'word'; text: string } | { kind: 'op'; text: string };

interface SimpleCommand {
  argv: string[];
  redirect?: { path: string; append: boolean };
}

/** Shell words with quotes, `;`, `&&`, `||`, `|`, `>` and `>>`. Returns undefined on an open quote. */
export function shellWords(line: string): Word[] | undefined {
  const words: Word[] = [];
  let current = '';
  let inWord = false;
  const flush = (): void => {
    if (inWord) words.push({ kind: 'word', text: current });
    current = '';
    inWord = false;
  };

  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      current += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        current += line[j];
      }
      if (j >= line.length) return undefined;
      inWord = true;
      i = j;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      flush();
    } else if (ch === ';' || ch === '|' || ch === '&' || ch === '>') {
      if (ch === '>' && inWord && current === '2') {
        // stderr shares the terminal here: `2>&1` and `2>/dev/null` change nothing.
        current = '';
        inWord = false;
        const target = /^>\s*(&1|\S+)/.exec(line.slice(i));
        i += (target?.[0].length ?? 1) - 1;
        continue;
      }
      const two = line.slice(i, i + 2);
      flush();
      const op = two === '&&' || two === '||' || two === '>>' ? two : ch;
      words.push({ kind: 'op', text: op });
      i += op.length - 1;
    } else {
      current += ch;
      inWord = true;
    }
  }
  flush();

  return words;
}

function resolvePath(ctx: BashContext, path: string): string {
  const home = ctx.root ? '/root' : `/var/home/${ctx.user}`;
  const expanded = path === '~' ? home : path.startsWith('~/') ? `${home}${path.slice(1)}` : path;
  const absolute = expanded.startsWith('/')
    ? expanded
    : `${ctx.cwd.replace(/\/$/, '')}/${expanded}`;
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }

  return `/${parts.join('/')}`;
}

function shellFiles(ctx: BashContext): ShellFiles {
  return {
    resolve: (path) => resolvePath(ctx, path),
    read: (path) => ctx.state.files.get(resolvePath(ctx, path)),
    write: (path, data) => ctx.state.files.set(resolvePath(ctx, path), data),
  };
}

export function homeOf(user: string, root: boolean): string {
  return root ? '/root' : `/var/home/${user}`;
}

/** One bash command line: runs it, writing output as it comes; returns the exit status. */
export async function runBashLine(line: string, ctx: BashContext, io: ShellIo): Promise<number> {
  const words = shellWords(line);
  if (!words) {
    io.write('-bash: unexpected EOF while looking for matching quote\n');
    return 2;
  }

  let status = 0;
  let skip = false;
  let pipeline: SimpleCommand[] = [];
  let current: SimpleCommand = { argv: [] };

  const runPipeline = async (): Promise<void> => {
    if (current.argv.length > 0 || current.redirect) pipeline.push(current);
    current = { argv: [] };
    if (pipeline.length > 0 && !skip) status = await runPipelineCommands(pipeline, ctx, io);
    pipeline = [];
  };

  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.kind === 'word') {
      current.argv.push(w.text);
      continue;
    }
    if (w.text === '>' || w.text === '>>') {
      const target = words[++i];
      if (!target || target.kind !== 'word') {
        io.write("-bash: syntax error near unexpected token `newline'\n");
        return 2;
      }
      current.redirect = { path: target.text, append: w.text === '>>' };
      continue;
    }
    if (w.text === '|') {
      pipeline.push(current);
      current = { argv: [] };
      continue;
    }
    await runPipeline();
    if (w.text === '&&') skip = status !== 0;
    else if (w.text === '||') skip = status === 0;
    else skip = false;
  }
  await runPipeline();

  return status;
}

async function runPipelineCommands(
  commands: SimpleCommand[],
  ctx: BashContext,
  io: ShellIo,
): Promise<number> {
  let input: string | undefined;
  let status = 0;
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i]!;
    const last = i === commands.length - 1;
    const captured: string[] = [];
    const capture = !last || command.redirect !== undefined;
    const stageIo: ShellIo = {
      namespace: io.namespace,
      write: capture ? (t) => captured.push(t) : io.write,
    };
    status = await runCommand(command.argv, ctx, stageIo, input);
    input = captured.join('');
    if (command.redirect && command.redirect.path !== '/dev/null') {
      const path = resolvePath(ctx, command.redirect.path);
      const before = command.redirect.append
        ? (ctx.state.files.get(path) ?? Buffer.alloc(0))
        : Buffer.alloc(0);
      ctx.state.files.set(path, Buffer.concat([before, Buffer.from(input, 'utf8')]));
      input = '';
    }
  }

  return status;
}

function expandPrintf(format: string, args: string[]): string {
  let index = 0;
  const body = format.replace(/%([sd%])/g, (_, spec: string) =>
    spec === '%' ? '%' : (args[index++] ?? ''),
  );

  return body.replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\\\/g, '\\');
}

const NEEDS_ROOT = new Set(['service', 'chkconfig', 'iptables', 'truncate', 'e2fsck', 'resize2fs']);

async function runCommand(
  argv: string[],
  ctx: BashContext,
  io: ShellIo,
  stdin: string | undefined,
): Promise<number> {
  const [name, ...args] = argv;
  if (!name) return 0;
  const state = ctx.state;

  if (!ctx.root && NEEDS_ROOT.has(name)) {
    io.write(
      name === 'service'
        ? `${args[0] ?? ''}: Permission denied\n`
        : `${name}: Permission denied (you must be root)\n`,
    );
    return 4;
  }

  switch (name) {
    case 'service':
      return serviceCommand(args, ctx, io);
    case 'chkconfig':
      return chkconfig(args, ctx, io);
    case 'ip':
      return ipCommand(args, ctx, io, stdin);
    case 'ifconfig':
      io.write(io.namespace === 'management' ? ifconfigManagement(state) : ifconfigLoOnly());
      return 0;
    case 'iptables':
      if (!args.includes('-L')) {
        io.write('iptables: this shell only lists rules (-L).\n');
        return 2;
      }
      io.write(
        io.namespace === 'management' && args.join(' ').includes('nat')
          ? iptablesNat(state, args.includes('-n'))
          : emptyFilterTable(),
      );
      return 0;
    case 'docker':
      if (!ctx.root) {
        io.write(
          'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied\n',
        );
        return 1;
      }
      return ctx.engine.run(args, { ...io, files: shellFiles(ctx) });
    case 'echo': {
      const noNewline = args[0] === '-n';
      io.write(args.slice(noNewline ? 1 : 0).join(' ') + (noNewline ? '' : '\n'));
      return 0;
    }
    case 'printf':
      io.write(expandPrintf(args[0] ?? '', args.slice(1)));
      return 0;
    case 'cat': {
      if (args.length === 0) {
        io.write(stdin ?? '');
        return 0;
      }
      let status = 0;
      for (const arg of args) {
        const data = state.files.get(resolvePath(ctx, arg));
        if (data) io.write(data.toString('utf8'));
        else {
          io.write(`cat: ${arg}: No such file or directory\n`);
          status = 1;
        }
      }
      return status;
    }
    case 'base64':
      return base64Command(args, ctx, io, stdin);
    case 'rm': {
      const force = args.some((a) => /^-\w*f/.test(a));
      let status = 0;
      for (const arg of args.filter((a) => !a.startsWith('-'))) {
        if (!state.files.delete(resolvePath(ctx, arg)) && !force) {
          io.write(`rm: cannot remove '${arg}': No such file or directory\n`);
          status = 1;
        }
      }
      return status;
    }
    case 'touch':
      for (const arg of args) {
        const path = resolvePath(ctx, arg);
        if (!state.files.has(path)) state.files.set(path, Buffer.alloc(0));
      }
      return 0;
    case 'ls':
      return lsCommand(args, ctx, io);
    case 'cd':
      ctx.cwd = resolvePath(ctx, args[0] ?? '~');
      return 0;
    case 'pwd':
      io.write(`${ctx.cwd}\n`);
      return 0;
    case 'whoami':
      io.write(`${ctx.root ? 'root' : ctx.user}\n`);
      return 0;
    case 'id':
      io.write(
        ctx.root
          ? 'uid=0(root) gid=0(root) groups=0(root)\n'
          : `uid=2002(${ctx.user}) gid=503(network-admin) groups=503(network-admin)\n`,
      );
      return 0;
    case 'hostname':
      io.write(`${state.hostname}\n`);
      return 0;
    case 'true':
    case 'mkdir':
      return 0;
    case 'false':
      return 1;
    case 'sleep':
      await ctx.clock.wait(Number(args[0] ?? 0) * 1000);
      return 0;
    case 'grep':
      return grepCommand(args, ctx, io, stdin);
    case 'wc':
      io.write(
        `${(stdin ?? '').split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length}\n`,
      );
      return 0;
    case 'head':
    case 'tail': {
      const count = Number(args[args.indexOf('-n') + 1] ?? 10) || 10;
      const lines = (stdin ?? '').replace(/\n$/, '').split('\n');
      const picked = name === 'head' ? lines.slice(0, count) : lines.slice(-count);
      io.write(picked.join('\n') + '\n');
      return 0;
    }
    case 'truncate':
      return truncateCommand(args, ctx, io);
    case 'e2fsck':
      io.write(
        `e2fsck 1.42.9 (28-Dec-2013)\nPass 1: Checking inodes, blocks, and sizes\nPass 2: Checking directory structure\nPass 3: Checking directory connectivity\nPass 4: Checking reference counts\nPass 5: Checking group summary information\n/bootflash/dockerpart: 11/${Math.floor(state.docker.storageMb * 244.8)} files (0.0% non-contiguous), ${Math.floor(state.docker.storageMb * 65)}/${Math.floor((state.docker.storageMb * 1_000_000) / 1024)} blocks\n`,
      );
      return 0;
    case 'resize2fs':
      io.write(
        `resize2fs 1.42.9 (28-Dec-2013)\nResizing the filesystem on /bootflash/dockerpart to ${Math.floor((state.docker.storageMb * 1_000_000) / 1024)} (1k) blocks.\nThe filesystem on /bootflash/dockerpart is now ${Math.floor((state.docker.storageMb * 1_000_000) / 1024)} (1k) blocks long.\n\n`,
      );
      return 0;
  }
  io.write(`-bash: ${name}: command not found\n`);

  return 127;
}

async function serviceCommand(args: string[], ctx: BashContext, io: ShellIo): Promise<number> {
  const [service, action] = args;
  if (service !== 'docker') {
    io.write(`${service ?? ''}: unrecognized service\n`);
    return 1;
  }
  switch (action) {
    case 'start':
      return ctx.daemon.start(io);
    case 'stop':
      return ctx.daemon.stop(io);
    case 'status':
      return ctx.daemon.status(io);
    case 'restart':
      await ctx.daemon.stop(io);
      return ctx.daemon.start(io);
  }
  io.write('Usage: /etc/init.d/docker {start|stop|restart|status}\n');

  return 1;
}

function chkconfig(args: string[], ctx: BashContext, io: ShellIo): number {
  const docker = ctx.state.docker;
  if (args[0] === '--add' && args[1] === 'docker') docker.persistent = true;
  else if (args[0] === '--del' && args[1] === 'docker') docker.persistent = false;
  else if (args[0] === '--list') {
    const on = docker.persistent;
    io.write(
      `docker         \t0:off\t1:off\t2:${on ? 'on' : 'off'}\t3:${on ? 'on' : 'off'}\t4:${on ? 'on' : 'off'}\t5:${on ? 'on' : 'off'}\t6:off\n`,
    );
  } else {
    io.write(
      args[1] && args[1] !== 'docker'
        ? `error reading information on service ${args[1]}: No such file or directory\n`
        : 'usage:   chkconfig [--list] [name]\n',
    );
    return 1;
  }

  return 0;
}

async function ipCommand(
  args: string[],
  ctx: BashContext,
  io: ShellIo,
  stdin: string | undefined,
): Promise<number> {
  if (args[0] !== 'netns') {
    io.write('Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n');
    return 255;
  }
  const action = args[1] ?? 'list';
  if (action === 'show' || action === 'list') {
    io.write('management (id: 1)\ndefault (id: 0)\n');
    return 0;
  }
  if (action === 'exec') {
    const namespace = args[2];
    if (namespace !== 'management' && namespace !== 'default') {
      io.write(`Cannot open network namespace "${namespace ?? ''}": No such file or directory\n`);
      return 1;
    }
    if (!ctx.root) {
      io.write('mount --make-rslave /: Permission denied\n');
      return 1;
    }

    return runCommand(args.slice(3), ctx, { namespace, write: io.write }, stdin);
  }
  io.write(`Command "${action}" is unknown, try "ip netns help".\n`);

  return 255;
}

function base64Command(
  args: string[],
  ctx: BashContext,
  io: ShellIo,
  stdin: string | undefined,
): number {
  const decode = args.some((a) => a === '-d' || a === '--decode');
  const file = args.find((a) => !a.startsWith('-'));
  let input: Buffer;
  if (file) {
    const data = ctx.state.files.get(resolvePath(ctx, file));
    if (!data) {
      io.write(`base64: ${file}: No such file or directory\n`);
      return 1;
    }
    input = data;
  } else input = Buffer.from(stdin ?? '', 'utf8');

  if (!decode) {
    io.write(`${input.toString('base64').replace(/(.{76})/g, '$1\n')}\n`);
    return 0;
  }
  const text = input.toString('utf8').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    io.write('base64: invalid input\n');
    return 1;
  }
  // Shell output is text here: decoded bytes are taken as UTF-8 (pages and configs).
  io.write(Buffer.from(text, 'base64').toString('utf8'));

  return 0;
}

function lsCommand(args: string[], ctx: BashContext, io: ShellIo): number {
  const long = args.some((a) => /^-\w*l/.test(a));
  const paths = args.filter((a) => !a.startsWith('-'));
  const targets = paths.length > 0 ? paths : ['.'];
  const state = ctx.state;
  let status = 0;
  const entry = (path: string, size: number, date: Date, shown: string): string =>
    long ? `-rw-r--r-- 1 root root ${size} ${formatLsDate(date)} ${shown}\n` : `${shown}\n`;

  for (const target of targets) {
    const path = resolvePath(ctx, target);
    if (path === '/bootflash/dockerpart' && state.docker.carved) {
      io.write(
        entry(
          path,
          state.docker.storageMb * 1_000_000,
          new Date(state.docker.carvedAt ?? Date.now()),
          target,
        ),
      );
      continue;
    }
    const file = state.files.get(path);
    if (file) {
      io.write(entry(path, file.length, new Date(), target));
      continue;
    }
    const children = [...state.files.keys()].filter((p) =>
      p.startsWith(`${path.replace(/\/$/, '')}/`),
    );
    if (path === '/bootflash' && state.docker.carved) {
      io.write(
        entry(
          path,
          state.docker.storageMb * 1_000_000,
          new Date(state.docker.carvedAt ?? Date.now()),
          'dockerpart',
        ),
      );
    }
    if (children.length > 0 || path === ctx.cwd || path === '/bootflash' || path === '/root') {
      for (const child of children.sort()) {
        io.write(
          entry(
            child,
            state.files.get(child)!.length,
            new Date(),
            child.slice(path.replace(/\/$/, '').length + 1),
          ),
        );
      }
      continue;
    }
    io.write(`ls: cannot access ${target}: No such file or directory\n`);
    status = 2;
  }

  return status;
}

function grepCommand(
  args: string[],
  ctx: BashContext,
  io: ShellIo,
  stdin: string | undefined,
): number {
  const flags = args.filter((a) => a.startsWith('-'));
  const [pattern, file] = args.filter((a) => !a.startsWith('-'));
  const text = file
    ? (ctx.state.files.get(resolvePath(ctx, file))?.toString('utf8') ?? '')
    : (stdin ?? '');
  let re: RegExp;
  try {
    re = new RegExp(pattern ?? '', flags.includes('-i') ? 'i' : '');
  } catch {
    re = /$^/;
  }
  const invert = flags.includes('-v');
  const lines = text.split('\n').filter((l) => l !== '' && re.test(l) !== invert);
  if (flags.includes('-c')) io.write(`${lines.length}\n`);
  else if (!flags.includes('-q')) io.write(lines.map((l) => `${l}\n`).join(''));

  return lines.length > 0 ? 0 : 1;
}

function truncateCommand(args: string[], ctx: BashContext, io: ShellIo): number {
  const size = args[args.indexOf('-s') + 1];
  const path = args[args.length - 1];
  const grow = /^\+(\d+)M(B)?$/.exec(size ?? '');
  if (path !== '/bootflash/dockerpart' || !grow || !ctx.state.docker.carved) {
    io.write(`truncate: cannot open '${path ?? ''}' for writing: No such file or directory\n`);
    return 1;
  }
  const addMb = Number(grow[1]);
  if (addMb > ctx.state.freeBootflashMb) {
    io.write(
      `truncate: failed to truncate '${path}' at ${(ctx.state.docker.storageMb + addMb) * 1_000_000} bytes: No space left on device\n`,
    );
    return 1;
  }
  ctx.state.docker.storageMb += addMb;
  ctx.state.freeBootflashMb -= addMb;

  return 0;
}

function ifconfigLoOnly(): string {
  return 'lo        Link encap:Local Loopback  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n\n';
}

function emptyFilterTable(): string {
  const header = 'target     prot opt source               destination         ';

  return [
    'Chain INPUT (policy ACCEPT)',
    header,
    '',
    'Chain FORWARD (policy ACCEPT)',
    header,
    '',
    'Chain OUTPUT (policy ACCEPT)',
    header,
    '',
  ].join('\n');
}
