import type { Upstream, UpstreamRequest, UpstreamResponse } from '@slotkeeper/http-kit';

/** A JSON answer, as a service gives it. */
export const json = (statusCode: number, body: unknown): UpstreamResponse => ({
  statusCode,
  headers: { 'content-type': statusCode >= 400 ? 'application/problem+json' : 'application/json' },
  body: JSON.stringify(body),
});

/** A service stand-in: answers with `answer` and keeps every request the gateway sent it. */
export function fakeService(answer: (request: UpstreamRequest) => UpstreamResponse): Upstream & {
  requests: UpstreamRequest[];
} {
  const requests: UpstreamRequest[] = [];
  return {
    requests,
    async request(request) {
      requests.push(request);
      return answer(request);
    },
  };
}
