import { API_ROUTES, messageSchemas } from '@slotkeeper/contracts';
import openapiTS, { astToString } from 'openapi-typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from './harness.js';

const h = useHarness();
// The document is arbitrary JSON; its shape is what these tests check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let doc: any;
beforeAll(async () => {
  const response = await h.gateway.inject({ method: 'GET', url: '/docs/json' });
  expect(response.statusCode).toBe(200);
  doc = response.json();
});

/** Every `$ref` in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

/** What a local JSON pointer (`#/components/schemas/User`) points at in the document. */
const resolve = (ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc);

const openapiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document', () => {
  it('when every $ref in the served document is followed, then each points at something in it', () => {
    const refs = [...new Set(refsIn(doc))];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref, ref).toMatch(/^#\//);
      expect(resolve(ref), ref).toBeTypeOf('object');
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'User', 'Event', 'Calendar', 'AvailabilitySchedule']),
    );
  });

  it('when openapi-typescript generates types from it, then it succeeds and types every operation', async () => {
    const types = astToString(await openapiTS(doc));
    for (const route of API_ROUTES) expect(types).toContain(`${route.operationId}: {`);
    expect(types).toContain('Problem: {');
    expect(types).not.toContain('unknown schema');
  });

  it.each(API_ROUTES.map((route) => [route.method, route.path, route] as const))(
    'documents %s %s with every answer it gives, refusals as problem+json',
    (method, path, route) => {
      const operation = doc.paths[openapiPath(path)][method.toLowerCase()];
      const answers = (status: string) => {
        const answer = operation.responses[status];
        return answer?.$ref ? resolve(answer.$ref) : answer;
      };
      const expected = Object.keys(route.schema.response);
      // Whatever else it refuses: bad credentials, the rate limit, an unavailable dependency;
      // another user where only the owner may call; a body too large or not JSON where it takes one.
      const implied = [
        '401',
        ...(route.access === 'public' ? [] : ['403']),
        '429',
        '503',
        ...(route.schema.body ? ['413', '415'] : []),
      ];
      expect(expected).toEqual(expect.arrayContaining(implied));
      expect(expected.includes('413') && expected.includes('415')).toBe(route.schema.body !== undefined);
      expect(Object.keys(operation.responses).sort()).toEqual(expected.sort());
      for (const status of expected.filter((code) => Number(code) >= 400)) {
        expect(Object.keys(answers(status).content), status).toEqual(['application/problem+json']);
      }
      for (const status of ['429', '503']) expect(answers(status).headers).toHaveProperty('Retry-After');
      expect(operation.operationId).toBe(route.operationId);
    },
  );

  it('documents /health, with its 503', () => {
    expect(Object.keys(doc.paths['/health'].get.responses)).toEqual(expect.arrayContaining(['200', '503']));
  });

  it.each(Object.keys(messageSchemas))('documents the %s message with its envelope and data', (type) => {
    const message = doc['x-messages'][type];
    expect(message['routing-key']).toBe(type);
    const schema = resolve(message.payload.$ref) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(['data', 'id', 'occurred_at', 'type']);
    expect(schema.properties.type).toMatchObject({ const: type });
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'occurred_at', 'data']));
  });
});
