/**
 * The demo's steps: each is one request (or a few), shown with the status of the last answer and
 * a short result, and the demo stops at the first step that is answered otherwise than expected.
 */
import { ApiError, type ApiClient } from '@slotkeeper/testing/api';

export interface DemoStep {
  step: string;
  status: number;
  result: string;
}

export function demoSteps(client: ApiClient) {
  // Each step is one request: the status of the last answer is the step's.
  let answered = 0;
  client.use({ onResponse: ({ response }) => void (answered = response.status) });
  const steps: DemoStep[] = [];

  /**
   * Runs one step, shows what it answered (`show` of its value; by default its id, or "ok"), and
   * stops the demo unless it was answered `expected`.
   */
  async function step<T>(
    name: string,
    expected: number,
    run: () => Promise<T>,
    show?: (value: T) => string,
  ): Promise<T | undefined> {
    let value: T | undefined;
    let result: string;
    try {
      value = await run();
      const id = (value as { id?: unknown } | undefined)?.id;
      result = show ? show(value) : typeof id === 'string' ? id : 'ok';
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      result = String((error.body as { title?: unknown } | undefined)?.title ?? error.status);
    }
    steps.push({ step: name, status: answered, result });
    if (answered !== expected) throw new Error(`${name}: expected ${expected}, got ${answered} (${result})`);
    return value;
  }

  /** A step that must succeed, and its result. */
  const must = async <T>(name: string, expected: number, run: () => Promise<T>, show?: (value: T) => string) =>
    (await step(name, expected, run, show)) as T;

  return { steps, step, must };
}
