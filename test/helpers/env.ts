/** Sets (a value) or removes (`undefined`) variables of this process; returns what puts the old values back. */
export function setEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Readonly<Record<string, string | undefined>>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  return () => apply(saved);
}

/** Runs `fn` with the variable set (or removed), restoring it afterwards. */
export async function withEnv<T>(name: string, value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const restore = setEnv({ [name]: value });
  try {
    return await fn();
  } finally {
    restore();
  }
}
