import { createHash, createHmac } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { AwsIamAuth, brokerAuthFor, functionUrlRegion } from '../../../sdk/backend/broker-auth.js';
import { isKlogError } from '../../../sdk/errors.js';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const functionUrl = new URL(
  'https://abcdefghijklmnop1234567890.lambda-url.eu-west-1.on.aws/v1/produce?partition=3&acks=all',
);
const signingDate = new Date('2026-03-01T12:34:56Z');
const body = new TextEncoder().encode('{"records":[{"value":"hello"}]}');

function request() {
  return {
    method: 'POST',
    url: functionUrl,
    headers: { host: functionUrl.host, 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
  };
}

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** SigV4 written out from AWS's specification, independently of @smithy/signature-v4. */
function expectedSignature(headers: Record<string, string>, signedHeaders: string[]): string {
  const amzDate = headers['x-amz-date']!;
  const day = amzDate.slice(0, 8);
  const query = [...functionUrl.searchParams]
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .sort()
    .join('&');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${headers[name]!.trim()}\n`).join('');
  const canonicalRequest = [
    'POST',
    functionUrl.pathname,
    query,
    canonicalHeaders,
    signedHeaders.join(';'),
    sha256Hex(body),
  ].join('\n');
  const scope = `${day}/eu-west-1/lambda/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), 'eu-west-1'), 'lambda'), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

describe('broker auth', () => {
  it('reads the region of a Lambda function URL from its host name', () => {
    expect(functionUrlRegion(functionUrl.hostname)).toBe('eu-west-1');
    expect(functionUrlRegion('broker.example.com')).toBeUndefined();
    expect(functionUrlRegion('127.0.0.1')).toBeUndefined();
  });

  it('picks AWS_IAM for function URLs, bearer with a token, and nothing otherwise', () => {
    expect(brokerAuthFor(functionUrl, { credentials }, {}).kind).toBe('aws-iam');
    expect(brokerAuthFor(new URL('http://127.0.0.1:9092'), {}, { KLOG_BROKER_TOKEN: 't0k' }).kind).toBe('bearer');
    expect(brokerAuthFor(new URL('http://127.0.0.1:9092'), {}, {}).kind).toBe('none');
    expect(
      brokerAuthFor(
        new URL('https://api.example.com'),
        { brokerAuth: 'aws-iam', credentials },
        { AWS_REGION: 'us-east-2' },
      ),
    ).toMatchObject({ kind: 'aws-iam', region: 'us-east-2' });
  });

  it('sends the bearer token from the option before the environment', async () => {
    const auth = brokerAuthFor(
      new URL('http://127.0.0.1:9092'),
      { brokerToken: 'from-option' },
      { KLOG_BROKER_TOKEN: 'env' },
    );
    const headers = await auth.authorize({
      method: 'GET',
      url: new URL('http://127.0.0.1:9092/v1/health'),
      headers: {},
    });
    expect(headers.authorization).toBe('Bearer from-option');
  });

  it('refuses bearer auth without a token and AWS_IAM without a region, naming what to set', () => {
    const noToken = () => brokerAuthFor(new URL('http://127.0.0.1:9092'), { brokerAuth: 'bearer' }, {});
    expect(noToken).toThrow(/KLOG_BROKER_TOKEN/);
    const noRegion = () =>
      brokerAuthFor(new URL('https://api.example.com'), { brokerAuth: 'aws-iam', credentials }, {});
    expect(noRegion).toThrow(/AWS_REGION/);
  });

  it('signs a function URL request exactly as @smithy/signature-v4 and the SigV4 specification do', async () => {
    const auth = brokerAuthFor(functionUrl, { credentials }, {}) as AwsIamAuth;
    const signed = lowerCased(await auth.authorize(request(), signingDate));

    const reference = new SignatureV4({
      service: 'lambda',
      region: 'eu-west-1',
      credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    const query = Object.fromEntries(functionUrl.searchParams);
    const expected = await reference.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: functionUrl.hostname,
        path: functionUrl.pathname,
        query,
        headers: request().headers,
        body,
      },
      { signingDate },
    );
    expect(signed.authorization).toBe(lowerCased(expected.headers).authorization);

    const match =
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260301\/eu-west-1\/lambda\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        signed.authorization!,
      );
    expect(match).not.toBeNull();
    const signedHeaders = match![1]!.split(';');
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token', 'content-type']),
    );
    expect(signed['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(signed['x-amz-content-sha256']).toBe(sha256Hex(body));
    expect(match![2]).toBe(expectedSignature(signed, signedHeaders));
  });

  it('signs a changed body differently, so a tampered payload fails the check', async () => {
    const auth = new AwsIamAuth('eu-west-1', credentials);
    const first = await auth.authorize(request(), signingDate);
    const second = await auth.authorize({ ...request(), body: new TextEncoder().encode('{}') }, signingDate);
    expect(first.authorization).not.toBe(second.authorization);
  });

  it('keeps secrets out of its errors and of its JSON form', async () => {
    const bearer = brokerAuthFor(new URL('http://127.0.0.1:9092'), { brokerToken: 'sekrit-token' }, {});
    expect(JSON.stringify(bearer)).not.toContain('sekrit-token');
    const iam = new AwsIamAuth('eu-west-1', credentials);
    expect(JSON.stringify(iam)).not.toContain(credentials.secretAccessKey);
    expect(JSON.stringify(iam)).not.toContain(credentials.accessKeyId);

    const failing = new AwsIamAuth('eu-west-1', async () => {
      throw new Error(`could not load profile with secret ${credentials.secretAccessKey}`);
    });
    const error = await failing.authorize(request(), signingDate).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isKlogError(error)).toBe(true);
    const shown = `${String(error)} ${JSON.stringify(error)}`;
    expect(shown).toMatch(/AWS credentials/);
    expect(shown).not.toContain(credentials.secretAccessKey);
  });

  it('signs with the server clock after an answer shows the local clock is far off', async () => {
    const auth = new AwsIamAuth('eu-west-1', credentials);
    const serverTime = new Date(Date.now() + 60 * 60 * 1000);
    auth.observeServerDate(serverTime.toUTCString());
    const headers = lowerCased(await auth.authorize(request()));
    const signedAt = Date.parse(
      headers['x-amz-date']!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    // Signed at the server's time (an hour ahead), not the local one.
    expect(Math.abs(signedAt - serverTime.getTime())).toBeLessThan(10 * 60 * 1000);
  });
});
