import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { STEPS } from '../domain/run.js';
import { RECORD_STATE, stateMachineDefinition, taskStateName } from './state-machine.js';
import { LAMBDA_TRANSIENT_ERRORS, RETRYABLE_ERROR } from './step-protocol.js';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step';
const definition = stateMachineDefinition({ runStepFunctionArn: ARN });
type State = { Type: string; Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string; ErrorEquals: string[] }[]; Retry?: { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }[]; Parameters?: { step?: string } };
const states = definition.States as Record<string, State>;

/** Every state a state can go to next (Next, Choice targets, Default, Catch). */
function successors(state: State): string[] {
  return [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter(
    (n): n is string => n !== undefined,
  );
}

/** Every path from StartAt to an end state, each state at most once per path, plus every cycle found on the way. */
function walk(): { paths: string[][]; cycles: string[][] } {
  const paths: string[][] = [];
  const cycles: string[][] = [];
  const visit = (name: string, path: string[]) => {
    const at = path.indexOf(name);
    if (at >= 0) return void cycles.push([...path.slice(at), name]);
    const here = [...path, name];
    const next = successors(states[name]!);
    if (next.length === 0) return void paths.push(here);
    for (const n of new Set(next)) visit(n, here);
  };
  visit(definition.StartAt as string, []);
  return { paths, cycles };
}

describe('the state machine generated from the step list', () => {
  it('is valid Amazon States Language (asl-validator, paths and ARNs checked)', () => {
    const result = aslValidator(definition, { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('has one Task per step, in the step list order from StartAt, each invoking the run-step function with its step name', () => {
    expect(definition.StartAt).toBe(taskStateName(STEPS[0]));
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(STEPS.map(taskStateName).sort());
    for (const [name, s] of tasks) expect(taskStateName(s.Parameters!.step as (typeof STEPS)[number])).toBe(name);
  });

  it('sends the polls (AwaitQuery) to the poll function when one is given, every other Task to the run-step function; one function for all without it', () => {
    const POLL_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:adp-run-step-poller';
    const split = stateMachineDefinition({ runStepFunctionArn: ARN, pollFunctionArn: POLL_ARN }).States as Record<string, State & { Resource?: string }>;
    const resources = (all: Record<string, State & { Resource?: string }>) =>
      Object.fromEntries(Object.entries(all).filter(([, s]) => s.Type === 'Task').map(([name, s]) => [name, s.Resource]));
    expect(resources(split)).toEqual(Object.fromEntries(STEPS.map((step) => [taskStateName(step), step === 'awaitQuery' ? POLL_ARN : ARN])));
    expect(new Set(Object.values(resources(states)))).toEqual(new Set([ARN]));
    expect(aslValidator({ ...definition, States: split }, { checkPaths: true, checkArn: true }).isValid).toBe(true);
    // Only the Resource differs.
    const withoutResource = (all: Record<string, unknown>) => JSON.stringify(Object.values(all).map((s) => ({ ...(s as object), Resource: undefined })));
    expect(withoutResource(split)).toBe(withoutResource(states));
  });

  it('every path ends in exactly one Record task, then an end state', () => {
    const { paths } = walk();
    expect(paths.length).toBeGreaterThan(10);
    for (const path of paths) {
      expect(path.filter((n) => n === RECORD_STATE), path.join(' → ')).toHaveLength(1);
      expect(['Succeed', 'Fail']).toContain(states[path.at(-1)!]!.Type);
    }
  });

  it('every poll follows a Wait, and every loop goes through a Wait', () => {
    const poll = taskStateName('awaitQuery');
    for (const [name, s] of Object.entries(states)) {
      if (successors(s).includes(poll)) expect(s.Type, `${name} → ${poll}`).toBe('Wait');
    }
    const { cycles } = walk();
    expect(cycles.length).toBeGreaterThan(0);
    for (const cycle of cycles) expect(cycle.some((n) => states[n]!.Type === 'Wait'), cycle.join(' → ')).toBe(true);
  });

  it('retries only retryable errors (4 attempts: 3 retries, 2 s, ×1.5) and Lambda’s transient ones; catches everything to Record', () => {
    for (const [name, s] of Object.entries(states)) {
      if (s.Type !== 'Task') continue;
      expect(s.Retry).toEqual([
        { ErrorEquals: [RETRYABLE_ERROR], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 1.5 },
        { ErrorEquals: [...LAMBDA_TRANSIENT_ERRORS], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 },
      ]);
      expect(s.Retry!.flatMap((r) => r.ErrorEquals)).not.toContain('States.ALL');
      expect(s.Catch?.map((c) => c.ErrorEquals)).toEqual([['States.ALL']]);
      if (name !== RECORD_STATE) expect(s.Catch![0]!.Next).toBe(RECORD_STATE);
    }
  });

  it('has explicit branches for cancelled and timed-out runs, and end states per outcome: only success ends in Succeed', () => {
    const after = states[`After${taskStateName('awaitQuery')}`]!;
    expect(after.Choices!.map((c) => c.Next)).toEqual(expect.arrayContaining(['RunCancelled', 'RunTimedOut']));
    const outcome = states.Outcome!;
    const ends = Object.fromEntries(
      (outcome.Choices as unknown as { StringEquals: string; Next: string }[]).map((c) => [c.StringEquals, states[c.Next]!.Type]),
    );
    expect(ends).toEqual({ succeeded: 'Succeed', skipped: 'Succeed', cancelled: 'Fail', timed_out: 'Fail' });
    expect(states[outcome.Default!]!.Type).toBe('Fail');
  });
});
