/**
 * A cursor over the significant tokens of one statement, for the hand-written DDL parsers:
 * keyword tests, identifiers, balanced parentheses and the source text between tokens (so a
 * parser can keep fragments verbatim).
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
    readonly text: string,
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

  /** What comes next, for error messages. */
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
    if (this.isPunct('.') ) {
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

  /** The source text of tokens [from, to) (exclusive), comments and spacing inside kept. */
  textOf(from: number, to: number): string {
    if (to <= from) return '';
    const a = this.tokens[from]!;
    const b = this.tokens[to - 1]!;
    return this.text.slice(a.start, b.start + b.text.length);
  }

  /** The tokens [from, to) as a cursor of their own. */
  sub(from: number, to: number): TokenCursor {
    return new TokenCursor(this.tokens.slice(from, to), this.text);
  }

  /** Splits tokens [from, to) at top-level commas into ranges. */
  splitTopLevel(from: number, to: number, sep = ','): [number, number][] {
    const out: [number, number][] = [];
    let depth = 0;
    let start = from;
    for (let k = from; k < to; k++) {
      const t = this.tokens[k]!;
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
}
