import { describe, expect, it } from 'vitest';
import { classifyFailure, errorAnswer } from '../../../sdk/store/s3-failure.js';
import { S3TransportError } from '../../../sdk/store/s3-signed-http.js';

function response(status: number, body: string) {
  return { status, headers: {}, body: Buffer.from(body) };
}

describe('errorAnswer', () => {
  it("takes the code and the message from S3's XML error body", () => {
    const answer = errorAnswer(
      response(
        409,
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ConditionalRequestConflict</Code>' +
          '<Message>A conflicting operation on &quot;key&quot; &amp; more</Message><RequestId>1</RequestId></Error>',
      ),
    );
    expect(answer).toMatchObject({ status: 409, code: 'ConditionalRequestConflict' });
    expect(answer.message).toBe('A conflicting operation on "key" & more');
  });

  it('names the status when there is no S3 error body (a HEAD, or a proxy page)', () => {
    expect(errorAnswer(response(412, ''))).toMatchObject({
      code: 'PreconditionFailed',
      message: '412 Precondition Failed',
    });
    expect(errorAnswer(response(502, '<html>Bad gateway</html>')).code).toBe('BadGateway');
  });
});

describe('classifyFailure', () => {
  it('sorts answers, unsent requests and maybe-sent requests apart', () => {
    expect(classifyFailure(errorAnswer(response(503, '<Error><Code>SlowDown</Code></Error>')))).toMatchObject({
      kind: 'answered',
      status: 503,
      code: 'SlowDown',
    });
    expect(classifyFailure(new S3TransportError('connect ECONNREFUSED', false)).kind).toBe('not-sent');
    expect(classifyFailure(new S3TransportError('socket hang up', true)).kind).toBe('maybe-sent');
  });

  it("recognises the SDK's configuration errors and its connection errors", () => {
    const noCredentials = Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' });
    expect(classifyFailure(noCredentials)).toMatchObject({ kind: 'unconfigured', missing: 'credentials' });
    expect(classifyFailure(new Error('Region is missing'))).toMatchObject({ kind: 'unconfigured', missing: 'region' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(classifyFailure(refused).kind).toBe('not-sent');
    expect(classifyFailure(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })).kind).toBe('maybe-sent');
    const throttled = Object.assign(new Error('Slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    expect(classifyFailure(throttled)).toMatchObject({ kind: 'answered', status: 503, code: 'SlowDown' });
  });
});
