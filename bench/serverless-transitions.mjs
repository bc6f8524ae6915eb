// What a run costs under Step Functions: state transitions (what Standard workflows bill)
// and Lambda invocations per run, for a query of 5 s and one of 10 min, with the generated
// definition and the run-step poll policy, against the sample's fixed 15 s Wait loop; plus
// the Lambda bundles' sizes and their cold start measured here (import + first call).
//
// The generated definition runs in aws-local-stepfunctions; its Tasks answer as the run-step
// handler does for a query that ends after D seconds of (simulated) time, the clock moved by
// each Wait's seconds: the waits are the real policy's, the time is not spent.
// Needs `npm run build` and `npm run build:lambda`.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dist, homeWithCuration, ROOT } from './lib.mjs';

if (!('withResolvers' in Promise)) {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
}

const SAMPLE_WAIT_SECONDS = 15;
const QUERIES = { query5s: 5, query10min: 600 };

async function transitionsFor(querySeconds) {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const { stateMachineDefinition } = await import(dist('serverless/state-machine.js'));
  const { STATE_MACHINE_POLL } = await import(dist('serverless/run-step.js'));
  const { waitSeconds } = await import(dist('serverless/step-protocol.js'));
  const { pollDelayMs } = await import(dist('engine/poll-delays.js'));
  const definition = stateMachineDefinition({ runStepFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step' });
  const none = { failure: '', seconds: 0, status: '', error: '', cause: '' };
  let clock = 0;
  let polls = 0;
  let invocations = 0;
  let asked = 0;
  const answer = (a) => {
    asked = a.seconds;
    return { ...none, ...a };
  };
  const tasks = {
    Retrieve: () => answer({ kind: 'step', step: 'validate' }),
    Validate: () => answer({ kind: 'step', step: 'startQuery' }),
    StartQuery: () => answer({ kind: 'step', step: 'awaitQuery', seconds: waitSeconds(pollDelayMs(STATE_MACHINE_POLL, 0)) }),
    AwaitQuery: () => {
      clock += asked;
      if (clock >= querySeconds) return answer({ kind: 'step', step: 'publishOutput' });
      polls += 1;
      return answer({ kind: 'wait', step: 'awaitQuery', seconds: waitSeconds(pollDelayMs(STATE_MACHINE_POLL, polls)) });
    },
    PublishOutput: () => answer({ kind: 'step', step: 'record' }),
    Record: () => answer({ kind: 'done', step: 'record', status: 'succeeded' }),
  };
  const taskResourceLocalHandlers = Object.fromEntries(Object.entries(tasks).map(([n, f]) => [n, async () => (invocations++, f())]));
  const waits = Object.fromEntries(Object.entries(definition.States).filter(([, s]) => s.Type === 'Wait').map(([n]) => [n, 0]));
  const execution = new StateMachine(definition).run({ executionName: 'bench', caught: null }, { overrides: { taskResourceLocalHandlers, waitTimeOverrides: waits } });
  let transitions = 0;
  const counting = (async () => {
    for await (const e of execution.eventLogs) if (e.type === 'StateEntered') transitions++;
  })();
  await execution.result;
  await counting;
  const samplePolls = Math.ceil(querySeconds / SAMPLE_WAIT_SECONDS);
  return {
    transitions,
    invocations,
    polls: polls + 1,
    noticedAfterSeconds: clock,
    lateBySeconds: clock - querySeconds,
    // The sample's poll loop alone (Wait 15 s → status Task → Choice per poll); its other states come on top.
    samplePollTransitions: samplePolls * 3,
    samplePollInvocations: samplePolls,
    sampleLateBySeconds: samplePolls * SAMPLE_WAIT_SECONDS - querySeconds,
  };
}

/** Size of each bundle, and its cold start in a fresh process: import, and for run-step also its first call (opening the project). */
async function bundles() {
  const dir = path.join(ROOT, 'dist/lambda');
  const home = await homeWithCuration('trivial', 'select 1 as one');
  const { openProject } = await import(dist('drivers/open-project.js'));
  const { homeLayout } = await import(dist('drivers/common/home.js'));
  const { createRun } = await import(dist('engine/create-run.js'));
  const project = await openProject(homeLayout(home));
  const out = {};
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name, 'index.mjs');
    let call = '';
    if (name === 'run-step') {
      const run = await createRun({ state: project.state, clock: project.clock, queue: project.scheduling }, { curationType: 'trivial', trigger: 'manual' });
      call = `await m.handler({ executionName: ${JSON.stringify(run.executionName)}, step: 'retrieve', caught: null });`;
    }
    const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(`file://${file}`)}); const t1 = performance.now(); ${call} const t2 = performance.now(); console.log(JSON.stringify({ importMs: t1 - t0, firstCallMs: t2 - t1 }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ADP_HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }, encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${name}: ${child.stderr}`);
    const timing = JSON.parse(child.stdout.trim().split('\n').pop());
    const files = fs.readdirSync(path.join(dir, name), { recursive: true }).map((f) => path.join(dir, name, String(f))).filter((f) => fs.statSync(f).isFile());
    out[name] = { entryBytes: fs.statSync(file).size, totalBytes: files.reduce((n, f) => n + fs.statSync(f).size, 0), importMs: Math.round(timing.importMs), ...(call ? { firstCallMs: Math.round(timing.firstCallMs) } : {}) };
  }
  await project.close();
  fs.rmSync(home, { recursive: true, force: true });
  return out;
}

export async function serverlessTransitions() {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-lambda.mjs')], { cwd: ROOT, stdio: 'ignore' });
  const result = {};
  for (const [name, seconds] of Object.entries(QUERIES)) result[name] = await transitionsFor(seconds);
  result.bundles = await bundles();
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await serverlessTransitions()));
}
