// Bundled into the CLI (see vendored in scripts/build-cli.mjs): loads a package's JavaScript from one CommonJS
// file in dist/cli/vendor/, compiled from the V8 code cache written beside it at build time, so a command does
// not parse it again (Node 20 keeps no compile cache for ES modules, and ours are those). A cache V8 refuses
// (another node binary, other flags) or a missing one only costs that parse: the code run is the same.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { fileURLToPath } = require('node:url');
const vm = require('node:vm');

// Set by scripts/cli-vendor/write-code-caches.mjs only: at exit, each bundle's cache is written with what this
// process compiled, the top level and every function a real command called.
const writing = process.env.ADP_WRITE_CODE_CACHE === '1' ? [] : undefined;
if (writing) {
  process.on('exit', () => {
    for (const { file, script } of writing) {
      // Renamed into place: an `adp` starting meanwhile reads the old cache or the new one, never half of one.
      fs.writeFileSync(`${file}.v8cache.${process.pid}`, script.createCachedData());
      fs.renameSync(`${file}.v8cache.${process.pid}`, `${file}.v8cache`);
    }
  });
}

/** The `module.exports` of the vendored bundle at `url` (dist/cli/vendor/<name>.cjs). */
exports.loadVendor = function loadVendor(url) {
  const file = fileURLToPath(url);
  let cachedData;
  if (!writing) {
    try {
      cachedData = fs.readFileSync(`${file}.v8cache`);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  writing?.push({ file, script });
  return mod.exports;
};
