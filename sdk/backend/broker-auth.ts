/**
 * How the remote backend proves who it is to a broker (docs/broker-api.md, Auth):
 *   - a bearer token (`klog broker start --token`): `Authorization: Bearer <token>`, from the client's
 *     `brokerToken` option or `$KLOG_BROKER_TOKEN`;
 *   - AWS_IAM (Lambda function URLs): each request is signed with SigV4 for the service `lambda`, with the
 *     region from the host name (`<id>.lambda-url.<region>.on.aws`) or `$AWS_REGION`, and credentials from the
 *     AWS default chain, resolved the way the S3 store resolves them (an S3Client's configuration: environment,
 *     profiles, SSO, instance and task roles, cached and refreshed by the SDK);
 *   - nothing, for a broker on localhost without a token.
 *
 * Secrets never leave this file except in the headers of the request they sign: errors name the scheme and the
 * region, never a token or a key.
 */
import { S3Client, type S3ClientConfig, type S3ClientResolvedConfig } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { KlogError } from '../errors.js';

/** AWS credentials, or a provider of them (the AWS SDK's type). */
export type AwsCredentials = NonNullable<S3ClientConfig['credentials']>;

export type BrokerAuthKind = 'none' | 'bearer' | 'aws-iam';

export interface BrokerAuthOptions {
  /** The scheme; default: `aws-iam` for Lambda function URLs, else `bearer` when a token is set, else `none`. */
  brokerAuth?: BrokerAuthKind;
  /** The bearer token; default `$KLOG_BROKER_TOKEN`. */
  brokerToken?: string;
  /** For `aws-iam`: the signing region; default the function URL's region, then `$AWS_REGION`. */
  region?: string;
  /** For `aws-iam`: credentials or a provider; default the AWS default credential chain. */
  credentials?: AwsCredentials;
}

/** One request as it will be sent; `headers` have lower-case names and already include `host`. */
export interface RequestToAuthorize {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface BrokerAuth {
  readonly kind: BrokerAuthKind;
  /** The request's headers with the proof added (a new object; `request.headers` is left as it is). */
  authorize(request: RequestToAuthorize): Promise<Record<string, string>>;
  /**
   * Learns the server's clock from an error answer's `Date` header, as the AWS SDK does: a signature more than
   * a few minutes off is refused, and the next request is signed with the server's time.
   */
  observeServerDate(date: string | undefined): void;
}

/** Lambda function URL hosts: `<url-id>.lambda-url.<region>.on.aws`. */
const FUNCTION_URL_HOST = /^[a-z0-9]+\.lambda-url\.([a-z0-9-]+)\.on\.aws$/i;

/** The AWS SDK's threshold for correcting the clock. */
const CLOCK_SKEW_THRESHOLD_MS = 5 * 60 * 1000;

/** The signing region of a Lambda function URL, or undefined for other hosts. */
export function functionUrlRegion(hostname: string): string | undefined {
  return FUNCTION_URL_HOST.exec(hostname)?.[1]?.toLowerCase();
}

/**
 * Chooses the scheme for a broker URL: an explicit `brokerAuth`, else AWS_IAM for a function URL, else a bearer
 * token when one is configured, else none.
 */
export function brokerAuthFor(
  url: URL,
  options: BrokerAuthOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): BrokerAuth {
  const token = options.brokerToken ?? (env.KLOG_BROKER_TOKEN || undefined);
  const urlRegion = functionUrlRegion(url.hostname);
  const kind = options.brokerAuth ?? (urlRegion !== undefined ? 'aws-iam' : token !== undefined ? 'bearer' : 'none');
  switch (kind) {
    case 'none':
      return noAuth;
    case 'bearer':
      if (token === undefined || token === '') {
        throw new KlogError(
          'INVALID_ARGUMENT',
          `Bearer auth for the broker at ${url.origin} needs a token: set the brokerToken option or KLOG_BROKER_TOKEN.`,
          { context: { endpoint: url.origin } },
        );
      }
      return new BearerAuth(token);
    case 'aws-iam': {
      const region = options.region ?? urlRegion ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
      if (region === undefined) {
        throw new KlogError(
          'INVALID_ARGUMENT',
          `AWS_IAM auth for the broker at ${url.origin} needs a region: use a function URL ` +
            '(<id>.lambda-url.<region>.on.aws) or set AWS_REGION.',
          { context: { endpoint: url.origin } },
        );
      }
      return new AwsIamAuth(region, options.credentials ?? defaultCredentials(region));
    }
    default:
      throw new KlogError(
        'INVALID_ARGUMENT',
        `Unknown broker auth "${String(kind)}". Use "none", "bearer" or "aws-iam".`,
        { context: { endpoint: url.origin } },
      );
  }
}

const noAuth: BrokerAuth = {
  kind: 'none',
  authorize: async (request) => ({ ...request.headers }),
  observeServerDate: () => undefined,
};

class BearerAuth implements BrokerAuth {
  readonly kind = 'bearer';
  private readonly header: string;

  constructor(token: string) {
    this.header = `Bearer ${token}`;
  }

  async authorize(request: RequestToAuthorize): Promise<Record<string, string>> {
    return { ...request.headers, authorization: this.header };
  }

  observeServerDate(): void {}

  /** Keeps the token out of `console.log(auth)` and of JSON dumps. */
  toJSON(): Record<string, string> {
    return { kind: this.kind };
  }
}

/** SigV4 for Lambda function URLs with the `AWS_IAM` auth type. The payload is hashed and signed. */
export class AwsIamAuth implements BrokerAuth {
  readonly kind = 'aws-iam';
  readonly region: string;
  private readonly signer: SignatureV4;
  private clockOffsetMs = 0;

  constructor(region: string, credentials: AwsCredentials) {
    this.region = region;
    this.signer = new SignatureV4({ service: 'lambda', region, credentials, sha256: Hash.bind(null, 'sha256') });
  }

  async authorize(request: RequestToAuthorize, signingDate = new Date(Date.now() + this.clockOffsetMs)) {
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of request.url.searchParams) {
      const seen = query[name];
      query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    let signed: { headers: Record<string, string> };
    try {
      signed = await this.signer.sign(
        {
          method: request.method,
          protocol: request.url.protocol,
          hostname: request.url.hostname,
          port: request.url.port === '' ? undefined : Number(request.url.port),
          path: request.url.pathname,
          query,
          headers: { ...request.headers },
          body: request.body,
        },
        { signingDate },
      );
    } catch (error) {
      throw new KlogError(
        'AUTH_REQUIRED',
        `Could not sign the request to ${request.url.origin} for AWS_IAM auth: no AWS credentials were found ` +
          `(${error instanceof Error ? error.name : 'error'}). Configure the AWS credential chain (environment, profile, role).`,
        { context: { endpoint: request.url.origin, region: this.region }, retriable: false },
      );
    }
    return signed.headers;
  }

  observeServerDate(date: string | undefined): void {
    if (date === undefined) return;
    const serverTime = Date.parse(date);
    if (Number.isNaN(serverTime)) return;
    if (Math.abs(serverTime - (Date.now() + this.clockOffsetMs)) >= CLOCK_SKEW_THRESHOLD_MS) {
      this.clockOffsetMs = serverTime - Date.now();
    }
  }

  toJSON(): Record<string, string> {
    return { kind: this.kind, region: this.region };
  }
}

/**
 * The AWS default credential chain, as the S3 store uses it: an S3Client's resolved provider (never used to call
 * S3 here), which caches credentials and refreshes them before they expire.
 */
function defaultCredentials(region: string): S3ClientResolvedConfig['credentials'] {
  return new S3Client({ region }).config.credentials;
}
