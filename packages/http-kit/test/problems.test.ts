import { problem as problemSchema } from '@slotkeeper/contracts';
import {
  ConflictError,
  DuplicateEmailError,
  ErrorCode,
  ForbiddenError,
  IdempotencyKeyReusedError,
  NotBookableError,
  NotFoundError,
  ServiceUnavailableError,
  SlotTakenError,
  UnauthorizedError,
  ValidationError,
  type DomainError,
} from '@slotkeeper/errors';
import { createLogger } from '@slotkeeper/observability';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp, httpError, PROBLEM_BASE, toProblem } from '../src/index.js';

/** One of each domain error, with the status its code maps to. */
const domainErrors: Array<[DomainError, number]> = [
  [new ValidationError('bad input'), 400],
  [new UnauthorizedError('no api key'), 401],
  [new ForbiddenError('not yours'), 403],
  [new NotFoundError('calendar', 'aaaaaaaaaaaaaaaaaaaaaaaa'), 404],
  [new SlotTakenError(), 409],
  [new DuplicateEmailError('ann@example.com'), 409],
  [new ConflictError('the schedule is linked by 2 calendars'), 409],
  [new NotBookableError('min_notice', 'too soon'), 422],
  [new IdempotencyKeyReusedError(), 422],
  [new ServiceUnavailableError('the store is down'), 503],
];

/** A service whose routes throw what they are told to, and whose log lines the test reads. */
function throwingApp() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'svc',
    destination: { write: (l: string) => void lines.push(JSON.parse(l)) },
  });
  const app = createHttpApp({ logger });
  let next: unknown;
  app.get('/throw', async () => {
    throw next;
  });
  app.post(
    '/things/:thing_id',
    {
      schema: {
        params: z.object({ thing_id: z.string().length(3) }),
        querystring: z.object({ tz: z.string().min(2).optional(), limit: z.coerce.number().int().optional() }),
        body: z.strictObject({
          name: z.string(),
          count: z.number().int(),
          when: z.object({ start: z.iso.datetime() }),
        }),
      },
    },
    async () => ({ ok: true }),
  );
  return { app, lines, throwing: (error: unknown) => (next = error) };
}

describe('mapping errors to problem documents', () => {
  it('maps every error code, and only those, through one of the error classes', () => {
    expect(new Set(domainErrors.map(([error]) => error.code))).toEqual(new Set(Object.values(ErrorCode)));
  });

  it.each(domainErrors.map(([error, status]) => [error.constructor.name, status, error] as const))(
    'when a %s is thrown, then it is a %i problem typed by its code, titled by its class, detailed by its message',
    (_name, status, error) => {
      const problem = toProblem(error);
      expect(problem).toEqual({
        type: `${PROBLEM_BASE}${error.code}`,
        title: error.title,
        status,
        detail: error.message,
      });
      expect(problemSchema.parse(problem)).toEqual(problem);
    },
  );

  it('when a validation error names fields, then the problem lists them; without fields, it has no list', () => {
    const errors = [
      { path: 'expires_on', message: 'is already past' },
      { path: 'duration', message: 'must be 30' },
    ];
    expect(toProblem(new ValidationError('two bad fields', errors))).toMatchObject({ status: 400, errors });
    expect(toProblem(new ValidationError('bad'))).not.toHaveProperty('errors');
  });

  it.each([
    [413, 'payload-too-large', 'Request body too large'],
    [405, 'method-not-allowed', 'Method not allowed'],
    [418, 'client-error', 'Client error'],
  ])('when the framework refuses a request with %i, then that status, typed and titled', (status, slug, title) => {
    expect(toProblem(httpError(status, 'refused because of the request'))).toEqual({
      type: PROBLEM_BASE + slug,
      title,
      status,
      detail: 'refused because of the request',
    });
  });

  it.each([
    ['an Error', new Error('connection string mongodb://admin:hunter2@db/secret')],
    ['a 5xx from a library', Object.assign(new Error('upstream at 10.0.0.7 said hunter2'), { statusCode: 502 })],
    ['a string', 'hunter2'],
    ['null', null],
    ['an object that looks like a domain error', { code: 'not-found', title: 'Not found', message: 'hunter2' }],
  ])('when %s is thrown, then a generic 500 that tells nothing of it', (_name, thrown) => {
    const problem = toProblem(thrown);
    expect(problem).toEqual({
      type: `${PROBLEM_BASE}internal`,
      title: 'Internal error',
      status: 500,
      detail: 'an unexpected error occurred',
    });
  });
});

describe('problems over HTTP', () => {
  const { app, lines, throwing } = throwingApp();
  afterAll(() => app.close());
  /** The paths of the fields a 400 names, sorted. */
  const errorPaths = (problem: { errors?: Array<{ path: string }> | undefined }) =>
    problem.errors?.map((e) => e.path).sort();

  it.each(domainErrors.map(([error, status]) => [error.constructor.name, status, error] as const))(
    'when a handler throws a %s, then the answer is %i application/problem+json with that problem',
    async (_name, status, error) => {
      throwing(error);
      const response = await app.inject({ method: 'GET', url: '/throw' });
      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
      expect(response.json()).toEqual(toProblem(error));
    },
  );

  it('when a handler fails unexpectedly, then 500 without its message or stack, and the stack is logged under the request id', async () => {
    throwing(new Error('connection string mongodb://admin:hunter2@db/secret'));
    const response = await app.inject({ method: 'GET', url: '/throw', headers: { 'x-request-id': 'trace-500' } });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toMatch(/at .*\.ts/);
    const logged = lines.find((line) => line.reqId === 'trace-500' && line.level === 50);
    expect(logged).toMatchObject({ err: { message: expect.stringContaining('hunter2') } });
    expect((logged!.err as { stack: string }).stack).toContain('problems.test.ts');
  });

  it('when the body has several bad fields, then 400 lists every one of them by its path', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things/abc',
      payload: { name: 7, count: 1.5, when: { start: 'soon' }, colour: 'red' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
    const problem = problemSchema.parse(response.json());
    expect(problem).toMatchObject({ type: `${PROBLEM_BASE}validation-failed`, title: 'Invalid request', status: 400 });
    expect(errorPaths(problem)).toEqual(['colour', 'count', 'name', 'when.start']);
    expect(problem.errors!.find((e) => e.path === 'colour')!.message).toBe('is not a known field');
    for (const { path } of problem.errors!) expect(problem.detail).toContain(`${path}: `);
  });

  it('when a required field is missing, then it is listed by its own path', async () => {
    const response = await app.inject({ method: 'POST', url: '/things/abc', payload: { name: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(errorPaths(response.json())).toEqual(['count', 'when']);
  });

  it('when query parameters or path parameters are bad, then each is named with where it was', async () => {
    const query = await app.inject({
      method: 'POST',
      url: '/things/abc?tz=x&limit=many',
      payload: { name: 'x', count: 1, when: { start: '2030-01-01T00:00:00Z' } },
    });
    expect(query.statusCode).toBe(400);
    expect(errorPaths(query.json())).toEqual(['querystring.limit', 'querystring.tz']);
    const params = await app.inject({ method: 'POST', url: '/things/abcd', payload: {} });
    expect(params.statusCode).toBe(400);
    expect(params.json().errors).toEqual([{ path: 'params.thing_id', message: expect.any(String) }]);
  });
});
