import type { StepAnswer, StepInput } from '../../src/serverless/step-protocol.js';

// aws-local-stepfunctions 3 declares Node >= 22 for Promise.withResolvers alone; Node 20 lacks it.
if (!('withResolvers' in Promise)) {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

type Handler = (input: StepInput) => Promise<StepAnswer>;

/** One state machine execution run locally: how it ended and the states it went through. */
export interface LocalExecution {
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** The execution's error name when FAILED (the Fail state's Error). */
  readonly error?: string;
  readonly cause?: string;
  /** Names of the states entered, in order (each is one billed state transition). */
  readonly entered: string[];
  /** Task states retried, by name. */
  readonly retried: string[];
  /** Run-step invocations made. */
  readonly invocations: number;
}

/**
 * Runs `definition` with aws-local-stepfunctions, every Task served by
 * `handler` (the bundled run-step Lambda), Waits and Retry pauses cut to 0
 * ms (the seconds asked for are still in the events). `wrap` lets a test put
 * a fault around one Task's invocation.
 */
export async function runLocally(
  definition: Record<string, unknown>,
  input: Record<string, unknown>,
  handler: Handler,
  wrap: (state: string, call: () => Promise<StepAnswer>) => Promise<StepAnswer> = (_s, call) => call(),
): Promise<LocalExecution> {
  const { StateMachine } = await import('aws-local-stepfunctions');
  const states = definition.States as Record<string, { Type: string }>;
  let invocations = 0;
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(states)
      .filter(([, s]) => s.Type === 'Task')
      .map(([name]) => [
        name,
        (taskInput: unknown) =>
          wrap(name, () => {
            invocations++;
            return handler(taskInput as StepInput);
          }) as unknown as Promise<never>,
      ]),
  );
  const zero = (type: string) => Object.fromEntries(Object.entries(states).filter(([, s]) => s.Type === type).map(([n]) => [n, 0]));
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides: zero('Wait'), retryIntervalOverrides: zero('Task') },
  });
  const entered: string[] = [];
  const retried: string[] = [];
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') entered.push(event.state.name);
      if (event.type === 'StateRetried') retried.push(event.state.name);
    }
  })();
  try {
    await execution.result;
    await events;
    return { status: 'SUCCEEDED', entered, retried, invocations };
  } catch (e) {
    await events.catch(() => undefined);
    const failure = (e as Error).cause as Error | undefined;
    return { status: 'FAILED', error: failure?.name, cause: failure?.message, entered, retried, invocations };
  }
}
