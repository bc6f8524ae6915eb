/**
 * Placeholders for one DynamoDB expression set (condition, update, key
 * condition, filter, projection): every attribute name becomes `#nN` (many
 * of ours, such as `status` and `timestamp`, are reserved words) and every
 * value `:vN`, so no call site writes a placeholder by hand.
 *
 * @example
 * const x = new Expr();
 * const update = `SET ${x.name('status')} = ${x.value('failed')}`;
 * await db.update({ table, key, update, condition: `attribute_exists(${x.name('run')})`, expr: x });
 */
export class Expr {
  readonly #names = new Map<string, string>();
  readonly #values: Record<string, unknown> = {};
  #nextValue = 0;

  /** The placeholder of attribute `attribute` (the same one on every call). */
  name(attribute: string): string {
    let placeholder = this.#names.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.#names.size}`;
      this.#names.set(attribute, placeholder);
    }
    return placeholder;
  }

  /** A new placeholder holding `value`. */
  value(value: unknown): string {
    const placeholder = `:v${this.#nextValue++}`;
    this.#values[placeholder] = value;
    return placeholder;
  }

  /** `SET a = :x, b = :y REMOVE c` for `set` (undefined values are removed) and `remove`; extra clauses are appended. */
  update(set: Record<string, unknown>, options: { remove?: readonly string[]; setRaw?: readonly string[]; add?: Record<string, number> } = {}): string {
    const assignments = Object.entries(set)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${this.name(k)} = ${this.value(v)}`);
    assignments.push(...(options.setRaw ?? []));
    const removed = [...Object.entries(set).filter(([, v]) => v === undefined).map(([k]) => k), ...(options.remove ?? [])];
    const adds = Object.entries(options.add ?? {}).map(([k, n]) => `${this.name(k)} ${this.value(n)}`);
    const clauses: string[] = [];
    if (assignments.length > 0) clauses.push(`SET ${assignments.join(', ')}`);
    if (removed.length > 0) clauses.push(`REMOVE ${[...new Set(removed)].map((k) => this.name(k)).join(', ')}`);
    if (adds.length > 0) clauses.push(`ADD ${adds.join(', ')}`);
    return clauses.join(' ');
  }

  /** `ExpressionAttributeNames`, or undefined when no name was used (DynamoDB refuses an empty map). */
  get names(): Record<string, string> | undefined {
    if (this.#names.size === 0) return undefined;
    return Object.fromEntries([...this.#names].map(([attribute, placeholder]) => [placeholder, attribute]));
  }

  /** `ExpressionAttributeValues`, or undefined when no value was used. */
  get values(): Record<string, unknown> | undefined {
    return this.#nextValue === 0 ? undefined : { ...this.#values };
  }
}
