/**
 * Writes ASCII text straight into a growing byte buffer. Generating a million
 * rows as strings spends most of its time building, flattening and collecting
 * them; writing digits and constant pieces byte by byte avoids all three.
 */
export class AsciiWriter {
  #bytes: Buffer;
  #at = 0;

  constructor(initialBytes = 64 * 1024) {
    this.#bytes = Buffer.allocUnsafe(Math.max(1024, initialBytes));
  }

  /** Makes room for `n` more bytes; call before each row (a row writes no more than it reserved). */
  reserve(n: number): void {
    if (this.#at + n <= this.#bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#at + n));
    this.#bytes.copy(bigger, 0, 0, this.#at);
    this.#bytes = bigger;
  }

  /** `s` must be ASCII. */
  str(s: string): void {
    const b = this.#bytes;
    let at = this.#at;
    for (let i = 0; i < s.length; i++) b[at++] = s.charCodeAt(i);
    this.#at = at;
  }

  /** A non-negative integer, left-padded with zeros to `width` digits. */
  uint(n: number, width = 1): void {
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const end = this.#at + Math.max(width, digits);
    for (let at = end - 1; at >= this.#at; at--) {
      this.#bytes[at] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.#at = end;
  }

  /** A non-negative integer below 2^53 as `digits` lowercase hex digits (leading zeros kept, higher digits dropped). */
  hex(n: number, digits: number): void {
    const end = this.#at + digits;
    for (let at = end - 1; at >= this.#at; at--) {
      const d = n % 16;
      this.#bytes[at] = d < 10 ? 48 + d : 87 + d;
      n = Math.floor(n / 16);
    }
    this.#at = end;
  }

  /** `value` rounded to `decimals` places, like toFixed (a JSON number). */
  fixed(value: number, decimals: number): void {
    const scale = 10 ** decimals;
    let n = Math.round(value * scale);
    if (n < 0) {
      this.#bytes[this.#at++] = 45; // '-'
      n = -n;
    }
    const whole = Math.floor(n / scale);
    this.uint(whole);
    this.#bytes[this.#at++] = 46; // '.'
    this.uint(n - whole * scale, decimals);
  }

  get length(): number {
    return this.#at;
  }

  text(): string {
    return this.#bytes.toString('latin1', 0, this.#at);
  }
}
