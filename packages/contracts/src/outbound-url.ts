import { z } from 'zod';

export interface OutboundUrlRules {
  /** The schemes accepted, with their colon (`https:`). */
  schemes: readonly string[];
  /** What to say when the scheme is another: names the accepted ones. */
  schemeMessage: string;
  /** What to say when the URL carries a user name or password. */
  credentialsMessage: string;
  example: string;
}

/**
 * A URL an owner gives us to call (a busy source, a webhook endpoint): absolute, at most 2,048
 * characters, of one of `schemes`, without credentials in it. Whether its host resolves to a
 * public address is checked by the service that calls it (a 400 too), after DNS.
 */
export const outboundUrl = ({ schemes, schemeMessage, credentialsMessage, example }: OutboundUrlRules) =>
  z
    .string()
    .trim()
    .min(1)
    .max(2_048)
    .refine((value) => URL.canParse(value), 'must be an absolute URL')
    .refine((value) => !URL.canParse(value) || schemes.includes(new URL(value).protocol), schemeMessage)
    .refine((value) => {
      if (!URL.canParse(value)) return true;
      const url = new URL(value);
      return url.username === '' && url.password === '';
    }, credentialsMessage)
    .meta({ example });
