import { createRequire } from 'node:module';

/**
 * better-sqlite3's compiled addon, by path. Left to itself the package finds it with `bindings`, which walks the
 * call stack and tries a dozen paths from the caller's package root, a root the CLI's bundled copy does not sit in.
 * Undefined where the package was built elsewhere (a debug build): the package's own lookup then applies.
 */
export const SQLITE_ADDON: string | undefined = (() => {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return undefined;
  }
})();

/** Options for `new Database(…)` that load {@link SQLITE_ADDON}. */
export const addonOption: { nativeBinding?: string } = SQLITE_ADDON === undefined ? {} : { nativeBinding: SQLITE_ADDON };
