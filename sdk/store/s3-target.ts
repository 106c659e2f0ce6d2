/**
 * Where the requests for one bucket go and how they are signed, decided by the AWS SDK's own S3 endpoint rules.
 *
 * The rules give virtual-hosted URLs on AWS (`https://<bucket>.s3.<region>.amazonaws.com/<key>`) and path-style
 * ones (`<endpoint>/<bucket>/<key>`) with forcePathStyle, with an IP-address endpoint, or for a bucket name that
 * cannot be a host name (one with dots, over https). They also honour the client's FIPS, dual-stack and
 * accelerate settings. For a plain bucket name the answer depends on nothing but the bucket and the client's
 * configuration, so it is worked out once per store instead of once per request as the SDK's middleware does.
 */
import type { S3ClientResolvedConfig } from '@aws-sdk/client-s3';
import { KlogError } from '../errors.js';

export interface S3Target {
  protocol: 'http:' | 'https:';
  hostname: string;
  /** The port to connect to; undefined for the protocol's default. */
  port: number | undefined;
  /** The Host header: the host name, with the port unless it is the protocol's default. */
  host: string;
  /** The path in front of every key: '' when virtual-hosted, or `/<bucket>` (after any endpoint path). */
  basePath: string;
  signingName: string;
  signingRegion: string;
}

/** One of the SDK's resolved settings, which are plain values for some options and providers for others. */
async function settingValue<T>(setting: T | (() => Promise<T>) | undefined): Promise<T | undefined> {
  return typeof setting === 'function' ? (setting as () => Promise<T>)() : setting;
}

/**
 * Resolves the target for `bucket` with the SDK's endpoint rules. `endpoint` is the custom endpoint, if any.
 * Throws the SDK's own errors for missing configuration (`Region is missing`), and a KlogError for buckets that
 * need a signing scheme this client does not speak (directory buckets, multi-region access points).
 */
export async function resolveS3Target(
  config: S3ClientResolvedConfig,
  bucket: string,
  endpoint: string | undefined,
): Promise<S3Target> {
  const region = await config.region();
  const resolved = config.endpointProvider({
    Bucket: bucket,
    Region: region,
    UseFIPS: await settingValue(config.useFipsEndpoint),
    UseDualStack: await settingValue(config.useDualstackEndpoint),
    ForcePathStyle: await settingValue(config.forcePathStyle),
    Accelerate: await settingValue(config.useAccelerateEndpoint),
    UseGlobalEndpoint: await settingValue(config.useGlobalEndpoint),
    UseArnRegion: await settingValue(config.useArnRegion),
    DisableMultiRegionAccessPoints: await settingValue(config.disableMultiregionAccessPoints),
    ...(endpoint === undefined ? {} : { Endpoint: endpoint }),
  });
  const scheme = (
    resolved.properties?.authSchemes as { name?: string; signingName?: string; signingRegion?: string }[]
  )?.[0];
  if (scheme !== undefined && scheme.name !== 'sigv4') {
    throw new KlogError(
      'STORE_UNSUPPORTED',
      `The bucket "${bucket}" needs the ${scheme.name} signing scheme (a directory bucket or a multi-region access ` +
        'point); klog needs a general-purpose S3 bucket.',
      { context: { bucket, endpoint: resolved.url.href } },
    );
  }
  const { url } = resolved;
  return {
    protocol: url.protocol === 'http:' ? 'http:' : 'https:',
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    host: url.host,
    basePath: url.pathname.replace(/\/+$/, ''),
    signingName: scheme?.signingName ?? 's3',
    signingRegion: scheme?.signingRegion ?? region,
  };
}

/**
 * The request path of `key`: the base path, then the key with each `/`-separated segment percent-encoded once.
 * S3 signs the path exactly as sent (no second round of escaping, unlike other AWS services), and compares it
 * with its own encoding of the key, which leaves only the unreserved characters `A-Z a-z 0-9 - . _ ~` as they are.
 */
export function keyPath(target: S3Target, key: string): string {
  return `${target.basePath}/${encodeKey(key)}`;
}

const RESERVED_BY_RFC_3986 = /[!'()*]/g;

export function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        RESERVED_BY_RFC_3986,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}
