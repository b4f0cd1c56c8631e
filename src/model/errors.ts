/**
 * Errors a user can act on. Anything thrown as an `InputError` is printed as one clear message
 * and exits with code 2; anything else is a bug in mdpost and keeps its stack trace.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Malformed trajectory content. `offset` is the byte offset (in the decompressed stream) of the
 * start of the offending line; `line` is its 1-based line number when the reader knows it.
 * Workers that parse a slice of a file know offsets but not absolute line numbers; the caller
 * resolves those (see `resolveLine`).
 */
export class ParseError extends InputError {
  override name = 'ParseError';
  constructor(
    readonly file: string,
    public line: number | null,
    readonly offset: number,
    /** What was expected and what was found, without the location. */
    readonly detail: string,
    public frame: number | null = null,
  ) {
    super('');
    this.message = this.describe();
  }

  describe(): string {
    const where = [this.file];
    if (this.line !== null) where.push(`line ${this.line}`);
    if (this.frame !== null) where.push(`frame ${this.frame}`);
    return `${where.join(', ')}: ${this.detail}`;
  }

  setLine(line: number | null): this {
    this.line = line;
    this.message = this.describe();
    return this;
  }

  setFrame(frame: number): this {
    this.frame = frame;
    this.message = this.describe();
    return this;
  }
}

/** A short, printable excerpt of a line for error messages. */
export function quoteLine(text: string, max = 60): string {
  const t = text.replace(/\r?\n$/, '').replace(/\r$/, '');
  return JSON.stringify(t.length > max ? t.slice(0, max) + '…' : t);
}
