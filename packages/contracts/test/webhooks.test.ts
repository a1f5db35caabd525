import { describe, expect, it } from 'vitest';
import {
  createBusySourceBody,
  createdWebhookResponse,
  createWebhookBody,
  webhookDeliveryResponse,
  webhookPayload,
} from '../src/index.js';

const CAL = '665f1c2b9d3e4a0012345678';
const OTHER = '665f1c2b9d3e4a0012345679';
const issues = (value: unknown) =>
  createWebhookBody.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('creating a webhook', () => {
  it('when the body names a URL and event types, then it parses with every calendar', () => {
    expect(createWebhookBody.parse({ url: ' https://crm.example.com/hook ', events: ['event.booked'] })).toEqual({
      url: 'https://crm.example.com/hook',
      events: ['event.booked'],
      calendar_ids: [],
    });
    expect(
      createWebhookBody.parse({ url: 'http://x.example/h', events: ['event.canceled'], calendar_ids: null })
        .calendar_ids,
    ).toEqual([]);
    expect(
      createWebhookBody.parse({ url: 'http://x.example/h', events: ['event.rescheduled'], calendar_ids: [CAL, OTHER] })
        .calendar_ids,
    ).toEqual([CAL, OTHER]);
  });

  it('when the events are missing, empty, unknown or repeated, then each problem is named', () => {
    expect(issues({ url: 'https://x.example' })).toEqual([expect.stringMatching(/^events: /)]);
    expect(issues({ url: 'https://x.example', events: [] })).toEqual(['events: name at least one event type']);
    expect(issues({ url: 'https://x.example', events: ['event.created'] })).toEqual([
      expect.stringMatching(/^events\.0: /),
    ]);
    expect(issues({ url: 'https://x.example', events: ['event.booked', 'event.booked'] })).toEqual([
      'events: must not repeat an event type',
    ]);
  });

  it('when the calendars repeat, are not ids or are too many, then they are refused', () => {
    const body = (calendar_ids: unknown) => ({ url: 'https://x.example', events: ['event.booked'], calendar_ids });
    expect(issues(body([CAL, CAL]))).toEqual(['calendar_ids: must not repeat a calendar']);
    expect(issues(body(['nope']))).toEqual([expect.stringMatching(/^calendar_ids\.0: /)]);
    const many = Array.from({ length: 51 }, (_, n) => n.toString(16).padStart(24, '0'));
    expect(issues(body(many))).toEqual(['calendar_ids: at most 50 calendars']);
  });

  it('when the URL is not http(s), carries credentials or is too long, then it is refused like a busy source', () => {
    const url = (value: string) => issues({ url: value, events: ['event.booked'] });
    expect(url('webcal://x.example/h')).toEqual(['url: must be an https: or http: URL']);
    expect(url('ftp://x.example/h')).toEqual(['url: must be an https: or http: URL']);
    expect(url('/relative')).toEqual(['url: must be an absolute URL']);
    expect(url('https://ann:pw@x.example/h')).toEqual([
      'url: must not carry credentials: verify our signature instead',
    ]);
    expect(url(`https://x.example/${'a'.repeat(2_048)}`)).toEqual([expect.stringMatching(/^url: /)]);
    expect(issues({ url: 'https://x.example', events: ['event.booked'], secret: 'mine' })).toEqual([
      expect.stringMatching(/^: Unrecognized key/),
    ]);
  });

  it('when busy sources share the URL rule, then their own wording stays', () => {
    const refused = createBusySourceBody.safeParse({ kind: 'ics', url: 'https://ann:pw@x.example/a.ics' });
    expect(refused.error?.issues.map((i) => i.message)).toEqual([
      'must not carry credentials: send them as username and password',
    ]);
    expect(createBusySourceBody.parse({ kind: 'ics', url: 'webcal://x.example/a.ics' }).url).toBe(
      'webcal://x.example/a.ics',
    );
  });
});

describe('webhook responses', () => {
  it('when a webhook is created, then its secret is a whsec_ base64 key', () => {
    const created = {
      id: CAL,
      url: 'https://x.example',
      events: ['event.booked'],
      calendar_ids: [],
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      created_at: '2030-01-01T00:00:00.000Z',
    };
    expect(createdWebhookResponse.parse(created)).toEqual(created);
    expect(createdWebhookResponse.safeParse({ ...created, secret: 'MfKQ9r8G' }).success).toBe(false);
  });

  it('when a delivery is shown, then its status is pending, delivered or failed', () => {
    const delivery = {
      id: 'msg_0123456789abcdef0123456789abcdef',
      type: 'event.booked',
      event_id: CAL,
      status: 'pending',
      attempts: 1,
      last_status_code: 500,
      next_attempt_at: '2030-01-01T00:05:00.000Z',
      created_at: '2030-01-01T00:00:00.000Z',
    };
    expect(webhookDeliveryResponse.parse(delivery)).toEqual(delivery);
    expect(webhookDeliveryResponse.safeParse({ ...delivery, status: 'retrying' }).success).toBe(false);
  });

  it('when a payload carries message-only fields, then they are left out of its data', () => {
    const event = {
      id: OTHER,
      calendar_id: CAL,
      title: 'Intro',
      start_time: '2030-01-01T10:00:00.000Z',
      end_time: '2030-01-01T10:30:00.000Z',
      booked_by: 'bo@example.com',
      booker_name: null,
      notes: null,
      guests: [],
      status: 'confirmed',
      created_at: '2029-12-01T00:00:00.000Z',
    };
    const parsed = webhookPayload.parse({
      type: 'event.booked',
      timestamp: '2029-12-01T00:00:00.000Z',
      data: { ...event, version: 1, cancel_token_nonce: 'n' },
    });
    expect(parsed.data).toEqual(event);
  });
});
