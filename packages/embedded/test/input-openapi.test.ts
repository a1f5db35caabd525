import { beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from './harness.js';

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; $ref?: string };

const h = useHarness();
let doc: {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, Schema> };
};
beforeAll(async () => {
  const res = await h.send('GET', '/docs/json');
  expect(res.status).toBe(200);
  doc = res.body;
});

/** A schema with its `$ref` followed, wherever the document keeps the target. */
const resolve = (schema: Schema): Schema =>
  schema.$ref ? resolve(doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema;

const body = (path: string): Schema => {
  const content = (doc.paths[path]?.post?.requestBody as { content: Record<string, { schema: Schema }> }).content;
  return resolve(content['application/json']!.schema);
};
const text = (schema: unknown) => JSON.stringify(schema);
/** The alternatives of a schema, through nested anyOf, without the null one. */
const branches = (schema: Schema | undefined): Schema[] => {
  const nested = schema?.anyOf as Schema[] | undefined;
  if (nested) return nested.flatMap(branches);
  return schema && schema.type !== 'null' ? [schema] : [];
};
/** The schema a nullable field has when it is not null (OpenAPI 3.0 `nullable` or 3.1 `anyOf`). */
const notNull = (schema: Schema | undefined): Schema | undefined => {
  const branches = schema?.anyOf as Schema[] | undefined;
  return branches?.length === 2 ? branches.find((branch) => branch.type !== 'null') : schema;
};

describe('the OpenAPI document shows the input rules', () => {
  it('documents a booking’s booker_name, notes and guests (at most 10, array or string)', () => {
    const event = body('/api/event/events');
    expect(Object.keys(event.properties ?? {})).toEqual(expect.arrayContaining(['booker_name', 'notes', 'guests']));
    expect(notNull(event.properties?.booker_name)).toMatchObject({ maxLength: 200, minLength: 1 });
    expect(notNull(event.properties?.notes)).toMatchObject({ maxLength: 2000 });
    const forms = branches(event.properties?.guests);
    expect(forms).toContainEqual(expect.objectContaining({ type: 'array', maxItems: 10 }));
    expect(forms.filter((form) => form.type === 'string')).toHaveLength(1);
  });

  it('documents that optional fields may be null, with their defaults', () => {
    const calendar = body('/api/calendar/calendars');
    for (const rule of ['meeting_duration_minutes', 'buffer_before_minutes', 'slot_interval_minutes']) {
      expect(text(calendar.properties?.[rule]), rule).toMatch(/"nullable":true|"type":"null"/);
    }
    expect(calendar.properties?.buffer_before_minutes?.default).toBe(0);
    expect(text(calendar.properties?.availability_schedule_ids)).toContain('"maxItems":10');
    expect(body('/api/user/users').properties?.timezone?.default).toBe('UTC');
  });

  it('documents the events list’s status, limit and cursor', () => {
    const parameters = doc.paths['/api/calendar/calendars/{calendar_id}/events']?.get?.parameters as Array<{
      name: string;
      schema: Schema;
    }>;
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p.schema]));
    expect(byName.status).toMatchObject({ default: 'confirmed', enum: ['confirmed', 'canceled', 'all'] });
    expect(byName.limit).toMatchObject({ default: 100, minimum: 1, maximum: 500 });
    expect(byName.cursor).toMatchObject({ maxLength: 200 });
  });
});
