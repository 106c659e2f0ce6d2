/**
 * The bearer-token check of `klog broker start --token` (docs/broker-api.md, "Auth"): no credentials is 401, a
 * wrong token 403. Tokens are compared as SHA-256 digests with a constant-time comparison, so neither the time
 * taken nor the token's length tells a caller anything. Error messages never include the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { BrokerHeaders } from '../sdk/backend/broker-wire.js';
import { KlogError } from '../sdk/errors.js';

export class BearerCheck {
  private readonly digest: Buffer;

  constructor(token: string) {
    if (token === '') throw new KlogError('INVALID_ARGUMENT', 'The broker token must not be empty.');
    this.digest = sha256(token);
  }

  /** Throws AUTH_REQUIRED or AUTH_FAILED unless the headers carry the token. */
  check(headers: Readonly<Record<string, string | undefined>>): void {
    const header = headers[BrokerHeaders.authorization];
    const match = header === undefined ? null : /^Bearer +(.+)$/i.exec(header.trim());
    if (match?.[1] === undefined) {
      throw new KlogError(
        'AUTH_REQUIRED',
        'This broker needs a token: send "Authorization: Bearer <token>" (the SDK sends $KLOG_BROKER_TOKEN).',
      );
    }
    if (!timingSafeEqual(sha256(match[1]), this.digest)) {
      throw new KlogError(
        'AUTH_FAILED',
        'The broker refused the bearer token: it is not the token it was started with.',
      );
    }
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
