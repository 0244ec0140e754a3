/**
 * NX-OS command matching: every keyword may be abbreviated while it stays unambiguous,
 * and a failure points a caret at the first character no command can continue with.
 */

export type ParamKind = 'word' | 'number' | 'ipv4' | 'prefix' | 'rest';

export interface Token {
  text: string;
  /** Offset of the token in the command line. */
  offset: number;
}

export interface Matched<C> {
  kind: 'ok';
  handler: Handler<C>;
  /** Full keywords and parameter values, in order: `conf t` -> ['configure', 'terminal']. */
  words: string[];
  params: string[];
}

export interface Failed {
  kind: 'invalid' | 'ambiguous' | 'incomplete';
  /** Caret column within the command line. */
  column: number;
}

/** Returns the command's exit status (0 when nothing is returned). */
export type Handler<C> = (
  ctx: C,
  params: string[],
  words: string[],
) => Promise<number | void> | number | void;

interface Node<C> {
  keyword?: string;
  param?: ParamKind;
  handler?: Handler<C>;
  /** Hidden while false (a keyword of a disabled feature does not exist). */
  when?: (ctx: C) => boolean;
  children: Node<C>[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function accepts(kind: ParamKind, text: string): boolean {
  switch (kind) {
    case 'word':
    case 'rest':
      return true;
    case 'number':
      return /^\d+$/.test(text);
    case 'ipv4':
      return IPV4.test(text);
    case 'prefix': {
      const [address, length, extra] = text.split('/');
      return (
        extra === undefined &&
        IPV4.test(address ?? '') &&
        /^\d+$/.test(length ?? '') &&
        Number(length) <= 32
      );
    }
  }
}

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) tokens.push({ text: m[0], offset: m.index });

  return tokens;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;

  return i;
}

/** A tree of commands for one CLI mode. */
export class CommandTree<C> {
  private readonly root: Node<C> = { children: [] };

  /**
   * Adds a command. Spec words are keywords; `<word>`, `<number>`, `<ipv4>`, `<prefix>`
   * and `<rest>` (the rest of the line) are parameters. Without a handler the command is
   * known (it takes part in abbreviation) but incomplete.
   */
  add(spec: string, handler?: Handler<C>, when?: (ctx: C) => boolean): this {
    let node = this.root;
    const parts = spec.split(/\s+/).filter(Boolean);
    parts.forEach((part, index) => {
      const param = /^<(\w+)>$/.exec(part)?.[1] as ParamKind | undefined;
      let child = node.children.find((c) => (param ? c.param === param : c.keyword === part));
      if (!child) {
        child = param ? { param, children: [] } : { keyword: part, children: [] };
        node.children.push(child);
      }
      // A condition guards the first keyword that is unique to this command.
      if (when && index === parts.length - 1) child.when = when;
      node = child;
    });
    if (handler) node.handler = handler;

    return this;
  }

  /** Adds every keyword as a known but incomplete command (for realistic abbreviations). */
  known(...specs: string[]): this {
    for (const spec of specs) this.add(spec);

    return this;
  }

  match(line: string, ctx: C): Matched<C> | Failed {
    const tokens = tokenize(line);
    let node = this.root;
    const words: string[] = [];
    const params: string[] = [];

    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const visible = node.children.filter((c) => !c.when || c.when(ctx));
      const rest = visible.find((c) => c.param === 'rest');
      const keywords = visible.filter((c) => c.keyword !== undefined);
      const lower = token.text.toLowerCase();

      const exact = keywords.find((k) => k.keyword === lower);
      if (exact) {
        node = exact;
        words.push(exact.keyword!);
        continue;
      }
      const prefixed = keywords.filter((k) => k.keyword!.startsWith(lower));
      if (prefixed.length === 1) {
        node = prefixed[0]!;
        words.push(node.keyword!);
        continue;
      }
      if (prefixed.length > 1) return { kind: 'ambiguous', column: token.offset };

      if (rest) {
        const text = line.slice(token.offset).trimEnd();
        params.push(text);
        words.push(text);
        node = rest;
        break;
      }
      const param = visible.find((c) => c.param !== undefined && accepts(c.param, token.text));
      if (param) {
        node = param;
        params.push(token.text);
        words.push(token.text);
        continue;
      }
      const reach = Math.max(0, ...keywords.map((k) => commonPrefixLength(k.keyword!, lower)));

      return { kind: 'invalid', column: token.offset + reach };
    }

    if (!node.handler) return { kind: 'incomplete', column: line.trimEnd().length + 1 };

    return { kind: 'ok', handler: node.handler, words, params };
  }
}
