/**
 * The consumer-group objects over a broker's group routes (docs/broker-api.md, Consumer groups), so that the group
 * protocol of sdk/group runs unchanged in remote mode. Each operation is one request; conditional writes keep their
 * store semantics, because the broker answers with the store's outcome as data.
 *
 * A write that got no answer is an outcome too, as on the store: `retriable` when no broker accepted the connection
 * (nothing was sent), `ambiguous` when the request went out (the write may have landed). A gateway's 503 or 429 is
 * `retriable`; its 502 or 504 is `ambiguous`.
 */
import type { DeleteOutcome, ListedObject, ListOptions, WriteCondition, WriteOutcome } from '../store/object-store.js';
import type { GroupStorage } from './backend.js';
import { answerJson, type BrokerCall, type BrokerCalls } from './broker-calls.js';
import {
  BrokerHeaders,
  GROUP_OBJECT_CONTENT_TYPE,
  groupListPath,
  groupObjectPath,
  type ObjectListJson,
  outcomeFromBody,
} from './broker-wire.js';
import { BrokerTransportError, type TransportResponse } from './http-transport.js';

export class HttpGroupStorage implements GroupStorage {
  private readonly calls: BrokerCalls;

  constructor(calls: BrokerCalls) {
    this.calls = calls;
  }

  async get(key: string): Promise<{ body: Uint8Array; etag: string } | null> {
    const response = await this.calls.send({
      method: 'GET',
      path: groupObjectPath(key),
      what: `read ${key}`,
      idempotent: true,
    });
    if (response.status === 200) return { body: new Uint8Array(response.body), etag: etagOf(response) };
    if (response.status === 404 && outcomeFromBody(answerJson(response), response.broker)?.kind === 'not-found') {
      return null;
    }
    throw this.calls.failure(response);
  }

  put(key: string, body: Uint8Array, condition: WriteCondition): Promise<WriteOutcome> {
    const headers: Record<string, string> = { [BrokerHeaders.contentType]: GROUP_OBJECT_CONTENT_TYPE };
    if ('ifMatch' in condition) headers[BrokerHeaders.ifMatch] = condition.ifMatch;
    else headers[BrokerHeaders.ifNoneMatch] = condition.ifNoneMatch;
    return this.write({ method: 'PUT', path: groupObjectPath(key), headers, body, what: `write ${key}` });
  }

  async delete(key: string, ifMatch?: string): Promise<DeleteOutcome> {
    const headers: Record<string, string> = ifMatch === undefined ? {} : { [BrokerHeaders.ifMatch]: ifMatch };
    const outcome = await this.write({ method: 'DELETE', path: groupObjectPath(key), headers, what: `delete ${key}` });
    return outcome.kind === 'done' ? { kind: 'done' } : outcome;
  }

  async list(prefix: string, options?: ListOptions): Promise<ListedObject[]> {
    const answer = await this.calls.json<ObjectListJson>({
      method: 'GET',
      path: groupListPath(prefix, options),
      what: `list ${prefix}`,
      idempotent: true,
    });
    return answer.objects;
  }

  private async write(call: BrokerCall): Promise<WriteOutcome> {
    let response: TransportResponse;
    try {
      response = await this.calls.transport.send(call);
    } catch (error) {
      if (!(error instanceof BrokerTransportError)) throw error;
      const failure = this.calls.unanswered(call, error);
      return error.mayHaveReachedServer ? { kind: 'ambiguous', error: failure } : { kind: 'retriable', error: failure };
    }
    const outcome = outcomeFromBody(answerJson(response), response.broker);
    if (outcome !== null) {
      return outcome.kind === 'done' && outcome.etag === '' ? { kind: 'done', etag: etagOf(response) } : outcome;
    }
    const error = this.calls.failure(response);
    if (!error.retriable) throw error;
    return response.status === 502 || response.status === 504
      ? { kind: 'ambiguous', error }
      : { kind: 'retriable', error };
  }
}

function etagOf(response: TransportResponse): string {
  const etag = response.headers[BrokerHeaders.etag];
  return typeof etag === 'string' ? etag : '';
}
