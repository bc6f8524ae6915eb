import fs from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { AdpStack } from '../lib/adp-stack.js';
import { DeployOptionsError, parseDeployOptions } from '../lib/deploy-options.js';
import { missingBundles } from '../lib/bundled-function.js';

/**
 * The CDK app: `npm run synth [-- -c key=value …]` writes deploy/aws/cdk.out
 * offline, with the context of deploy/aws/cdk.json (the defaults) overridden
 * by the arguments, as the CDK CLI would; run by the CLI (`npm run
 * deploy:aws -- -c …`) it takes the CLI's context and output folder.
 */
const here = import.meta.dirname;

function cdkJsonContext(): Record<string, unknown> {
  const file = path.join(here, '../cdk.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}

function contextFromArgs(argv: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const pair = arg === '-c' || arg === '--context' ? argv[++i] : arg.startsWith('--context=') ? arg.slice(10) : undefined;
    if (pair === undefined) throw new DeployOptionsError([{ key: arg, message: 'unknown argument (give options as -c key=value)' }]);
    const eq = pair.indexOf('=');
    if (eq < 1) throw new DeployOptionsError([{ key: pair, message: 'must be key=value' }]);
    context[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return context;
}

try {
  const underCli = process.env.CDK_OUTDIR !== undefined;
  const app = new App(underCli ? {} : { outdir: path.resolve(here, '../cdk.out'), context: { ...cdkJsonContext(), ...contextFromArgs(process.argv.slice(2)) } });
  const options = parseDeployOptions(app.node.getAllContext() as Record<string, unknown>);
  const missing = missingBundles(options.openSearchEndpoint ? undefined : ['run-step', 'start-execution', 'schedule-sync']);
  if (missing.length > 0) throw new Error(`Lambda bundles missing (${missing.join(', ')}): run \`npm run build:lambda\` first`);
  const stack = new AdpStack(app, `${options.prefix.replace(/-$/, '')}-adp`, {
    options,
    description: `adp curation engine (${options.prefix}): tables, run state machine, Lambda functions, schedules`,
  });
  const assembly = app.synth();
  if (!underCli) {
    const template = assembly.getStackArtifact(stack.artifactId);
    console.log(`${stack.stackName}: ${path.relative(process.cwd(), path.join(assembly.directory, template.templateFile))}`);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
}
