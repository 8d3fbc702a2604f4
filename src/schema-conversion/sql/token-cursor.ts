/**
 * A cursor over the significant tokens of one statement, for both hand-written DDL parsers
 * (MySQL and PostgreSQL): keyword tests, identifiers, balanced parentheses, top-level comma
 * lists and the source text of token runs (so a parser can keep fragments verbatim). What
 * differs between the dialects (PostgreSQL folds unquoted names) stays in each parser.
 */
import type { Token } from './tokenizer.js';

/** A statement the parser cannot read; the parser turns it into a ParseProblem. */
export class DdlSyntaxError extends Error {
  override readonly name = 'DdlSyntaxError';
}

export class TokenCursor {
  i = 0;
  constructor(
    readonly tokens: readonly Token[],
    /** The text the tokens were read from (their offsets point into it). */
    readonly source: string,
  ) {}

  get atEnd(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(k = 0): Token | undefined {
    return this.tokens[this.i + k];
  }

  next(): Token {
    const t = this.tokens[this.i];
    if (!t) throw new DdlSyntaxError('unexpected end of statement');
    this.i++;
    return t;
  }

  /** True when the next tokens are these words (upper-case), without consuming them. */
  isWord(...words: string[]): boolean {
    return words.every((w, k) => {
      const t = this.peek(k);
      return t !== undefined && t.kind === 'word' && t.value === w;
    });
  }

  /** True when the next token is one of these words. */
  isAnyWord(words: readonly string[]): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === 'word' && words.includes(t.value);
  }

  /** Consumes the words when they come next, in order. */
  acceptWord(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }

  expectWord(...words: string[]): void {
    if (!this.acceptWord(...words)) throw new DdlSyntaxError(`expected ${words.join(' ')} but found ${this.describe()}`);
  }

  isPunct(p: string): boolean {
    const t = this.peek();
    return t !== undefined && (t.kind === 'punct' || t.kind === 'op') && t.text === p;
  }

  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.i++;
    return true;
  }

  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw new DdlSyntaxError(`expected "${p}" but found ${this.describe()}`);
  }

  /** What comes next, for error messages (a long token, such as a $$ body, cut to 40 characters). */
  describe(): string {
    const t = this.peek();
    return t ? `"${t.text.slice(0, 40)}"` : 'the end of the statement';
  }

  isIdent(): boolean {
    const t = this.peek();
    return t !== undefined && (t.kind === 'word' || t.kind === 'quoted-id');
  }

  /** An identifier: a bare word as written, or a quoted one without its quotes. */
  ident(what = 'a name'): string {
    const t = this.peek();
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted-id')) throw new DdlSyntaxError(`expected ${what} but found ${this.describe()}`);
    this.i++;
    return t.kind === 'word' ? t.text : t.value;
  }

  /** `name` or `qualifier.name`. */
  qualifiedName(what = 'a name'): { qualifier?: string; name: string } {
    const first = this.ident(what);
    if (this.isPunct('.')) {
      this.i++;
      return { qualifier: first, name: this.ident(what) };
    }
    return { name: first };
  }

  /**
   * At a `(`: consumes through the matching `)` and returns the index range of the tokens
   * inside (start inclusive, end exclusive).
   */
  balanced(): [number, number] {
    this.expectPunct('(');
    const start = this.i;
    let depth = 1;
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i]!;
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')') {
        depth--;
        if (depth === 0) {
          this.i++;
          return [start, this.i - 1];
        }
      }
      this.i++;
    }
    throw new DdlSyntaxError('unbalanced parentheses');
  }

  /** At a `(`: consumes through the matching `)` and returns the tokens inside. */
  group(): Token[] {
    const [from, to] = this.balanced();
    return this.tokens.slice(from, to);
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

  /** Consumes and returns every token left. */
  rest(): Token[] {
    const out = this.tokens.slice(this.i);
    this.i = this.tokens.length;
    return out;
  }

  /** The source text of tokens [from, to) (exclusive), comments and spacing inside kept. */
  textOf(from: number, to: number): string {
    return this.textOfTokens(this.tokens.slice(from, to));
  }

  /** The source text spanned by `tokens` (taken from this statement), comments and spacing inside kept. */
  textOfTokens(tokens: readonly Token[]): string {
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    if (!first || !last) return '';
    return this.source.slice(first.start, last.start + last.text.length);
  }

  /** The tokens [from, to) as a cursor of their own. */
  sub(from: number, to: number): TokenCursor {
    return new TokenCursor(this.tokens.slice(from, to), this.source);
  }

  /** Splits tokens [from, to) at top-level commas into ranges. */
  splitTopLevel(from: number, to: number, sep = ','): [number, number][] {
    return splitRanges(this.tokens, from, to, sep);
  }
}

/** The ranges of tokens [from, to) between top-level `sep`s (a trailing empty one dropped). */
function splitRanges(tokens: readonly Token[], from: number, to: number, sep: string): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth--;
    else if (depth === 0 && t.kind === 'punct' && t.text === sep) {
      out.push([start, k]);
      start = k + 1;
    }
  }
  if (start < to) out.push([start, to]);
  return out;
}

/** Splits tokens at top-level commas. */
export function splitAtCommas(tokens: readonly Token[]): Token[][] {
  return splitRanges(tokens, 0, tokens.length, ',').map(([from, to]) => tokens.slice(from, to));
}
