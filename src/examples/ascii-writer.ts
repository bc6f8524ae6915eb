const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/**
 * Writes ASCII text straight into a growing byte buffer. Generating a million
 * rows as strings spends most of its time building, flattening and collecting
 * them; writing digits and constant pieces byte by byte avoids all three.
 * Numbers use 32-bit integer arithmetic, which is why their ranges are limited.
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

  /** An integer in [0, 2^31), left-padded with zeros to `width` digits. */
  uint(n: number, width = 1): void {
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    if (digits < width) digits = width;
    const b = this.#bytes;
    const start = this.#at;
    for (let at = start + digits - 1; at >= start; at--) {
      const q = (n / 10) | 0;
      b[at] = 48 + n - q * 10;
      n = q;
    }
    this.#at = start + digits;
  }

  /** An integer in [0, 2^32) as `digits` (at most 8) lowercase hex digits, leading zeros kept. */
  hex32(n: number, digits: number): void {
    const b = this.#bytes;
    const start = this.#at;
    for (let i = digits - 1; i >= 0; i--) b[start + i] = HEX_CODES[(n >>> ((digits - 1 - i) * 4)) & 15]!;
    this.#at = start + digits;
  }

  /** An integer in [0, 2^48) as 12 lowercase hex digits. */
  hex48(n: number): void {
    this.hex32(Math.floor(n / 0x1000000), 6);
    this.hex32(n % 0x1000000, 6);
  }

  /** `value` rounded to `decimals` places, like toFixed; |value| * 10^decimals must stay below 2^31. */
  fixed(value: number, decimals: number): void {
    const scale = 10 ** decimals;
    let n = Math.round(value * scale);
    if (n < 0) {
      this.#bytes[this.#at++] = 45; // '-'
      n = -n;
    }
    const whole = (n / scale) | 0;
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
