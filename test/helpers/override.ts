/**
 * The same object with some methods replaced (fault injection around a real
 * adapter). Other methods stay bound to the original, so #private fields work.
 */
export function override<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (prop in overrides) return (overrides as Record<PropertyKey, unknown>)[prop];
      const value = Reflect.get(t, prop, receiver === t ? t : t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
