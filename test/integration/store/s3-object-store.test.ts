import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isKlogError, type KlogError } from '../../../sdk/errors.js';
import { S3ObjectStore, type S3ObjectStoreOptions, s3StoreFromUrl } from '../../../sdk/store/s3-object-store.js';
import { describeObjectStoreContract } from '../../contract/object-store.contract.js';
import { probeConditionalDelete, probeConditionalWrites } from '../../helpers/conditional-write-probe.js';
import { startLaxS3Server } from '../../helpers/lax-s3-server.js';
import { openTestS3Store, testS3StoreOptions } from '../../helpers/s3-test-store.js';

describeObjectStoreContract('S3ObjectStore', async () => openTestS3Store(), {
  supportsConditionalDelete: inject('s3').conditionalDelete,
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const opened: S3ObjectStore[] = [];

function track(store: S3ObjectStore): S3ObjectStore {
  opened.push(store);
  return store;
}

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});

async function klogErrorFrom(promise: Promise<unknown>): Promise<KlogError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isKlogError(error)) throw new Error(`Expected a KlogError, got ${String(error)}`);
  return error;
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * An endpoint that answers every request with `reply` once the request body has arrived: for the answers
 * MinIO cannot be made to give (throttling, 409, resets, silence).
 */
async function withScriptedEndpoint(
  reply: (request: IncomingMessage, response: ServerResponse) => void,
  run: (store: S3ObjectStore, requests: () => number) => Promise<void>,
  options: Partial<S3ObjectStoreOptions> = {},
): Promise<void> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => reply(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const store = new S3ObjectStore({
    bucket: 'scripted',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'scripted', secretAccessKey: 'scripted' },
    ...options,
  });
  try {
    await run(store, () => requests);
  } finally {
    await store.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function s3Error(status: number, code: string): (request: IncomingMessage, response: ServerResponse) => void {
  return (_request, response) => {
    response.writeHead(status, { 'Content-Type': 'application/xml' });
    response.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>scripted</Message></Error>`,
    );
  };
}

describe('S3ObjectStore on its endpoint', () => {
  it('keeps stores with different prefixes apart and lists keys without the prefix', async () => {
    const first = track(openTestS3Store());
    const second = track(openTestS3Store());
    expect((await first.put('shared/key', encoder.encode('first'), { ifNoneMatch: '*' })).kind).toBe('done');
    expect((await second.put('shared/key', encoder.encode('second'), { ifNoneMatch: '*' })).kind).toBe('done');

    expect(decoder.decode((await first.get('shared/key'))?.body)).toBe('first');
    expect(decoder.decode((await second.get('shared/key'))?.body)).toBe('second');
    expect(await first.list('')).toEqual([{ key: 'shared/key', size: 5 }]);

    const whole = track(new S3ObjectStore({ ...testS3StoreOptions(), prefix: undefined }));
    expect((await whole.list(`${first.prefix}/`)).map((object) => object.key)).toEqual([`${first.prefix}/shared/key`]);
    const slashed = track(openTestS3Store(`/${first.prefix}/`));
    expect(slashed.prefix).toBe(first.prefix);
    expect(decoder.decode((await slashed.get('shared/key'))?.body)).toBe('first');
  });

  it('stores, reads, lists and deletes keys with every character klog uses and ones that need escaping', async () => {
    const store = track(openTestS3Store());
    const keys = [
      'groups/g-1/offsets/topic=orders.v2_eu/p=00000000000000000012',
      'topics/a.b_c-d/0Ab9/3/log/00000000000000000042.seg',
      "odd/a b+c%d!e'f(g)h*i~j,k;l@m$n&o:é",
    ].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const key of keys) {
      const put = await store.put(key, encoder.encode(key), { ifNoneMatch: '*' });
      expect(put.kind).toBe('done');
      expect(decoder.decode((await store.get(key))?.body)).toBe(key);
      expect(decoder.decode((await store.get(key, { offset: 1, length: 3 }))?.body)).toBe(key.slice(1, 4));
      expect((await store.head(key))?.size).toBe(encoder.encode(key).length);
      expect((await store.put(key, encoder.encode('again'), { ifNoneMatch: '*' })).kind).toBe('precondition-failed');
    }
    expect((await store.list('')).map((object) => object.key)).toEqual(keys);
    for (const key of keys) expect((await store.delete(key)).kind).toBe('done');
    expect(await store.list('')).toEqual([]);
  });

  it('describes itself by bucket, prefix and endpoint', () => {
    const s3 = inject('s3');
    const store = track(openTestS3Store('some/prefix'));
    expect(store.description).toBe(`s3://${s3.bucket}/some/prefix at ${s3.endpoint}`);
  });

  it('enforces every conditional write the probe checks, and the probe cleans up', async () => {
    const store = track(openTestS3Store());
    expect(await probeConditionalWrites(store)).toEqual([]);
    expect(await store.list('_probe/')).toEqual([]);
  });

  it('handles a conditional delete as the endpoint is declared to (MinIO ignores If-Match on DELETE)', async () => {
    const store = track(openTestS3Store());
    expect(await probeConditionalDelete(store)).toBe(inject('s3').conditionalDelete);
  });

  it('throws STORE_ACCESS_DENIED naming the bucket, the endpoint and s3:ListBucket for wrong credentials', async () => {
    const s3 = inject('s3');
    const store = track(
      new S3ObjectStore({ ...testS3StoreOptions(), credentials: { accessKeyId: 'nobody', secretAccessKey: 'wrong' } }),
    );
    const failures = [
      await klogErrorFrom(store.get('key')),
      await klogErrorFrom(store.head('key')),
      await klogErrorFrom(store.list('')),
      await klogErrorFrom(store.put('key', encoder.encode('x'), { ifNoneMatch: '*' })),
    ];
    for (const error of failures) {
      expect(error.code).toBe('STORE_ACCESS_DENIED');
      expect(error.retriable).toBe(false);
      expect(error.message).toContain(`"${s3.bucket}"`);
      expect(error.message).toContain(s3.endpoint);
      expect(error.message).toContain('s3:ListBucket');
    }
  });
});

describe('S3ObjectStore on an unreachable endpoint', () => {
  it('throws a retriable STORE_UNAVAILABLE naming the endpoint for reads, and reports writes as retriable', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const store = track(
      new S3ObjectStore({ bucket: 'nowhere', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    );
    const readError = await klogErrorFrom(store.get('key'));
    expect(readError.code).toBe('STORE_UNAVAILABLE');
    expect(readError.retriable).toBe(true);
    expect(readError.message).toContain(endpoint);
    expect(readError.context.endpoint).toBe(endpoint);

    const write = await store.put('key', encoder.encode('x'), { ifNoneMatch: '*' });
    expect(write.kind).toBe('retriable');
    expect(write.kind === 'retriable' && write.error.message).toContain(endpoint);
    expect((await store.delete('key')).kind).toBe('retriable');
  });
});

/** Runs `work` with the environment changed as `changes` says (undefined removes a variable), then restores it. */
async function withEnvironment(changes: Record<string, string | undefined>, work: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(changes);
  try {
    await work();
  } finally {
    apply(saved);
  }
}

describe('S3ObjectStore without AWS configuration', () => {
  /** An environment in which the SDK finds no credentials and no region anywhere. */
  const bareEnvironment = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_S3: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/klog-test/credentials',
    AWS_CONFIG_FILE: '/nonexistent/klog-test/config',
    AWS_EC2_METADATA_DISABLED: 'true',
  };

  it('says that credentials are missing and how to provide them', async () => {
    await withEnvironment(bareEnvironment, async () => {
      const store = track(
        new S3ObjectStore({ bucket: 'some-bucket', endpoint: `http://127.0.0.1:${await closedPort()}` }),
      );
      const error = await klogErrorFrom(store.get('key'));
      expect(error.code).toBe('STORE_ACCESS_DENIED');
      expect(error.message).toContain('AWS_ACCESS_KEY_ID');
      await expect(store.put('key', encoder.encode('x'), { ifNoneMatch: '*' })).rejects.toThrow(/No AWS credentials/);
    });
  });

  it('says that the region is missing for AWS S3', async () => {
    await withEnvironment(bareEnvironment, async () => {
      const store = track(
        new S3ObjectStore({ bucket: 'some-bucket', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      );
      expect(store.description).toBe('s3://some-bucket on AWS S3');
      const error = await klogErrorFrom(store.head('key'));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('AWS_REGION');
    });
  });
});

describe('S3ObjectStore outcome mapping', () => {
  const put = (store: S3ObjectStore) => store.put('key', encoder.encode('x'), { ifMatch: '"etag"' });

  it.each([
    [412, 'PreconditionFailed', 'precondition-failed'],
    [409, 'ConditionalRequestConflict', 'conflict'],
    [404, 'NoSuchKey', 'not-found'],
    [503, 'SlowDown', 'retriable'],
    [500, 'InternalError', 'retriable'],
    [429, 'TooManyRequests', 'retriable'],
    [400, 'RequestTimeout', 'retriable'],
    [504, 'GatewayTimeout', 'ambiguous'],
  ])('maps a PUT answered %i %s to %s', async (status, code, kind) => {
    await withScriptedEndpoint(s3Error(status, code), async (store) => {
      expect((await put(store)).kind).toBe(kind);
    });
  });

  it('maps a DELETE answered 412 to precondition-failed', async () => {
    await withScriptedEndpoint(s3Error(412, 'PreconditionFailed'), async (store) => {
      expect((await store.delete('key', { ifMatch: '"etag"' })).kind).toBe('precondition-failed');
    });
  });

  it('throws for a missing bucket instead of reporting a missing key', async () => {
    await withScriptedEndpoint(s3Error(404, 'NoSuchBucket'), async (store) => {
      const error = await klogErrorFrom(put(store));
      expect(error.retriable).toBe(false);
      expect(error.message).toContain('"scripted" does not exist');
    });
  });

  it('throws STORE_UNSUPPORTED when the server does not implement conditional writes', async () => {
    await withScriptedEndpoint(s3Error(501, 'NotImplemented'), async (store) => {
      const error = await klogErrorFrom(put(store));
      expect(error.code).toBe('STORE_UNSUPPORTED');
      expect(error.message).toContain('501 NotImplemented');
    });
  });

  it('reports a connection reset after the body was sent as ambiguous', async () => {
    await withScriptedEndpoint(
      (request) => request.socket.destroy(),
      async (store) => {
        const outcome = await put(store);
        expect(outcome.kind).toBe('ambiguous');
        expect(outcome.kind === 'ambiguous' && outcome.error.message).toContain('may or may not have taken effect');
      },
    );
  });

  it('reports a request that times out after the body was sent as ambiguous', async () => {
    await withScriptedEndpoint(
      () => {},
      async (store) => {
        expect((await put(store)).kind).toBe('ambiguous');
      },
      { requestTimeoutMs: 300 },
    );
  });

  it('retries a read on 503 a bounded number of times, then throws a retriable STORE_UNAVAILABLE', async () => {
    await withScriptedEndpoint(s3Error(503, 'SlowDown'), async (store, requests) => {
      const error = await klogErrorFrom(store.get('key'));
      expect(error.code).toBe('STORE_UNAVAILABLE');
      expect(error.retriable).toBe(true);
      expect(requests()).toBe(4);
    });
  });

  it('returns the object when a retried read succeeds', async () => {
    let answered = 0;
    const flaky = (request: IncomingMessage, response: ServerResponse) => {
      answered++;
      if (answered === 1) return s3Error(500, 'InternalError')(request, response);
      response.writeHead(200, { ETag: '"v1"', 'Content-Length': 5 }).end('hello');
    };
    await withScriptedEndpoint(flaky, async (store) => {
      const result = await store.get('key');
      expect(result && decoder.decode(result.body)).toBe('hello');
      expect(result?.etag).toBe('"v1"');
    });
  });
});

describe('s3StoreFromUrl', () => {
  const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

  it('reads the bucket and the prefix from s3://bucket/prefix', () => {
    const store = track(s3StoreFromUrl('s3://my-bucket/team/klog/', { endpoint: 'http://127.0.0.1:9', credentials }));
    expect(store.bucket).toBe('my-bucket');
    expect(store.prefix).toBe('team/klog');
    expect(store.description).toBe('s3://my-bucket/team/klog at http://127.0.0.1:9');
    expect(track(s3StoreFromUrl('s3://my-bucket', { endpoint: 'http://127.0.0.1:9', credentials })).prefix).toBe('');
  });

  it.each(['http://bucket/prefix', 's3://', 's3:///prefix', 's3://Bad_Bucket/prefix', 's3://ab'])(
    'rejects %s with INVALID_ARGUMENT',
    (url) => {
      let thrown: unknown;
      try {
        s3StoreFromUrl(url);
      } catch (error) {
        thrown = error;
      }
      expect(isKlogError(thrown, 'INVALID_ARGUMENT')).toBe(true);
    },
  );

  it('finds the endpoint in AWS_ENDPOINT_URL_S3 and writes through it', async () => {
    const s3 = inject('s3');
    const saved = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    try {
      const prefix = `from-url-${Date.now()}`;
      const store = track(
        s3StoreFromUrl(`s3://${s3.bucket}/${prefix}`, {
          region: s3.region,
          credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        }),
      );
      expect(store.endpoint).toBe(s3.endpoint);
      expect((await store.put('key', encoder.encode('via env'), { ifNoneMatch: '*' })).kind).toBe('done');
      expect(decoder.decode((await track(openTestS3Store(prefix)).get('key'))?.body)).toBe('via env');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
      else process.env.AWS_ENDPOINT_URL_S3 = saved;
    }
  });
});

describe('the conditional-write probe on an endpoint that ignores conditions', () => {
  it('fails loudly: three violations, each naming the endpoint', async () => {
    const lax = await startLaxS3Server();
    const store = new S3ObjectStore({
      bucket: 'lax',
      endpoint: lax.endpoint,
      credentials: { accessKeyId: 'lax', secretAccessKey: 'lax' },
    });
    try {
      const violations = await probeConditionalWrites(store);
      expect(violations).toHaveLength(3);
      for (const violation of violations) expect(violation).toContain(lax.endpoint);
      expect(violations.join('\n')).toMatch(/stale If-Match/);
      expect(violations.join('\n')).toMatch(/second create/);
      expect(violations.join('\n')).toMatch(/If-Match on a missing key/);
    } finally {
      await store.close();
      await lax.close();
    }
  });
});
