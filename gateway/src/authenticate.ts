import { createHash } from 'node:crypto';
import { anonymous, bearerToken, parseToken, type Principal } from '@slotkeeper/auth';
import { authenticatedResponse } from '@slotkeeper/contracts';
import { ServiceUnavailableError, UnauthorizedError } from '@slotkeeper/errors';
import type { Upstream } from '@slotkeeper/http-kit';
import { VerifiedKeys } from './verified-keys.js';

export interface Caller {
  principal: Principal;
  /** The Authorization header to pass on: only a cancel token, which the booking service checks. */
  forwardAuthorization?: string;
}

/**
 * Establishes who a request acts for, once, at the edge: an api key is checked by the user
 * service (which alone holds the hashes), a cancel token is passed on to the booking service,
 * anything else in `Authorization` is a 401. Verified keys are remembered for a short while
 * (`VerifiedKeys`), so owner routes do not cost a second hop each.
 */
export function authenticator(userService: Upstream, verified = new VerifiedKeys()) {
  async function userOf(apiKey: string): Promise<string> {
    const digest = createHash('sha256').update(apiKey).digest('base64url');
    const cached = verified.userOf(digest);
    if (cached !== undefined) return cached;
    const mark = verified.mark();
    const response = await userService.request({
      method: 'POST',
      url: '/internal/authenticate',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: apiKey }),
    });
    if (response.statusCode === 401) throw new UnauthorizedError('unknown api key');
    if (response.statusCode !== 200) throw new ServiceUnavailableError('the user service could not check the api key');
    const { user_id } = authenticatedResponse.parse(JSON.parse(response.body));
    verified.remember(digest, user_id, mark);
    return user_id;
  }

  return async function authenticate(authorization: string | undefined): Promise<Caller> {
    const token = bearerToken(authorization);
    if (token === 'missing') return { principal: anonymous };
    if (token === 'malformed') throw new UnauthorizedError('Authorization must be "Bearer <api key or cancel token>"');
    const parsed = parseToken(token);
    if (parsed?.kind === 'api_key') return { principal: { kind: 'user', userId: await userOf(token) } };
    if (parsed?.kind === 'cancel_token') return { principal: anonymous, forwardAuthorization: `Bearer ${token}` };
    throw new UnauthorizedError('unknown credentials');
  };
}
