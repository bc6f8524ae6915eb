/**
 * Layering of the source tree (run by `npm test` through `npm run check:layers`).
 * Core (domain, engine, scheduler, notify) sees only ports and domain; only
 * drivers compose adapters. Tests may wire real adapters into core code, so
 * they are not checked here.
 */
const CORE = '^src/(domain|engine|scheduler|notify)/';
const TESTS = '\\.(test|contract)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core-ports-domain',
      comment: 'domain/, engine/, scheduler/ and notify/ may import only each other, ports/ and domain/: never an adapter, a driver or an interface layer.',
      severity: 'error',
      from: { path: CORE, pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/(domain|engine|scheduler|notify|ports)/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ is pure: it imports nothing but domain/ (and libraries).',
      severity: 'error',
      from: { path: '^src/domain/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'ports-import-only-domain',
      comment: 'ports/ are interfaces over domain types.',
      severity: 'error',
      from: { path: '^src/ports/', pathNot: TESTS },
      to: { path: '^src/', pathNot: '^src/(domain|ports)/' },
    },
    {
      name: 'only-drivers-name-adapters',
      comment: 'Outside src/drivers/ (and the adapters themselves) nothing imports an adapter: interfaces get ports from a Project.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(drivers|adapters)/', TESTS] },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'adapters-do-not-import-drivers-or-interfaces',
      comment: 'An adapter implements ports; it never reaches into a driver, the CLI, the server or core workflow code.',
      severity: 'error',
      from: { path: '^src/adapters/', pathNot: TESTS },
      to: { path: '^src/(drivers|cli|server|web|serverless|engine|scheduler|notify)/' },
    },
    {
      name: 'serverless-is-an-interface',
      comment: 'src/serverless/ (Lambda handlers, the state machine) is an interface layer like cli/ and server/: it gets ports from a Project; drivers and the other interfaces never import it.',
      severity: 'error',
      from: { path: '^src/(drivers|cli|server|web)/', pathNot: TESTS },
      to: { path: '^src/serverless/' },
    },
    {
      name: 'no-circular',
      comment: 'Import cycles of values (type-only cycles are erased at build and harmless).',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
