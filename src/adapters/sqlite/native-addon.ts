import { createRequire } from 'node:module';

/**
 * Options for `new Database(…)` that load better-sqlite3's compiled addon by path. Left to itself the package
 * finds it with `bindings`, which walks the call stack and tries a dozen paths from the caller's package root, a
 * root the CLI's bundled copy does not sit in. Empty where the package was built elsewhere (a debug build): the
 * package's own lookup then applies.
 */
export const addonOption: { nativeBinding?: string } = (() => {
  try {
    return { nativeBinding: createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node') };
  } catch {
    return {};
  }
})();
