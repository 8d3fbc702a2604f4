/**
 * A cursor over one statement's significant tokens, for the PostgreSQL DDL parser: keyword
 * matching, names (unquoted ones folded to lower case, as PostgreSQL does), balanced groups,
 * and the source text of token runs (fragments are kept as the source wrote them).
 */
import type { Token } from '../sql/tokenizer.js';

/** A statement the parser cannot read: becomes a ParseProblem with this message. */
export class ParseFailure extends Error {}

export class TokenCursor {
  i = 0;

  constructor(
    readonly tokens: readonly Token[],
    /** The text the tokens' offsets point into. */
    readonly sql: string,
  ) {}

  get atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(k = 0): Token | undefined {
    return this.tokens[this.i + k];
  }

  /** True when the next tokens are these keywords (case-insensitive words). */
  isWord(...words: string[]): boolean {
    return words.every((w, k) => {
      const t = this.peek(k);
      return t?.kind === 'word' && t.value === w;
    });
  }

  /** Consumes the keywords when they are next. */
  accept(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.accept(...words)) throw new ParseFailure(`expected ${words.join(' ')} but found ${this.describeNext()}`);
  }

  isPunct(p: string): boolean {
    const t = this.peek();
    return (t?.kind === 'punct' || t?.kind === 'op') && t.text === p;
  }

  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }

  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw new ParseFailure(`expected "${p}" but found ${this.describeNext()}`);
  }

  describeNext(): string {
    const t = this.peek();
    return t ? `"${t.text}"` : 'the end of the statement';
  }

  /** An identifier: unquoted ones fold to lower case. */
  name(): string {
    const t = this.peek();
    if (t?.kind === 'word') {
      this.i++;
      return t.text.toLowerCase();
    }
    if (t?.kind === 'quoted-id') {
      this.i++;
      return t.value;
    }
    throw new ParseFailure(`expected a name but found ${this.describeNext()}`);
  }

  /** `[schema.]name`. */
  qualifiedName(): { schema?: string; name: string } {
    const first = this.name();
    if (this.acceptPunct('.')) {
      const second = this.name();
      // database.schema.name: the database part is dropped.
      if (this.acceptPunct('.')) return { schema: second, name: this.name() };
      return { schema: first, name: second };
    }
    return { name: first };
  }

  /** Consumes a balanced `( ... )` and returns the tokens inside it. */
  group(): Token[] {
    if (!this.isPunct('(')) throw new ParseFailure(`expected "(" but found ${this.describeNext()}`);
    const start = this.i + 1;
    let depth = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const t = this.tokens[this.i]!;
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')') {
        depth--;
        if (depth === 0) {
          const inner = this.tokens.slice(start, this.i);
          this.i++;
          return inner;
        }
      }
    }
    throw new ParseFailure('unbalanced parentheses');
  }

  /** The tokens from here up to (not including) the first depth-0 token for which `stop` is true. */
  until(stop: (t: Token, k: number) => boolean): Token[] {
    const start = this.i;
    let depth = 0;
    for (; this.i < this.tokens.length; this.i++) {
      const t = this.tokens[this.i]!;
      if (depth === 0 && stop(t, this.i)) break;
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')') depth--;
    }
    return this.tokens.slice(start, this.i);
  }

  rest(): Token[] {
    const out = this.tokens.slice(this.i);
    this.i = this.tokens.length;
    return out;
  }

  /** The source text spanned by `tokens` (comments and spacing inside kept). */
  text(tokens: readonly Token[]): string {
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    if (!first || !last) return '';
    return this.sql.slice(first.start, last.start + last.text.length);
  }
}

/** Splits tokens at depth-0 commas. */
export function splitAtCommas(tokens: readonly Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
    if (depth === 0 && t.kind === 'punct' && t.text === ',') {
      out.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) out.push(cur);
  return out;
}
