/**
 * One call to a broker, with its answer turned into a result or a KlogError (docs/broker-api.md, Errors). Shared
 * by the remote backend, its partition readers and its group storage.
 *
 * Failures without an answer are classified by whether the broker may have acted:
 *   - no connection to any broker of the URL: BROKER_UNAVAILABLE, retriable (nothing was sent);
 *   - the connection broke or timed out after the request went out: the call's own `unanswered` code, retriable.
 *     For an append that is UNKNOWN_OUTCOME: the producer retries with the same producer id and sequence, and the
 *     log stores the batch once. Reads use BROKER_UNAVAILABLE, since repeating them changes nothing.
 */
import { type ErrorCode, KlogError } from '../errors.js';
import { BrokerHeaders, errorFromAnswer, JSON_CONTENT_TYPE } from './broker-wire.js';
import {
  BrokerTransportError,
  type HttpTransport,
  type TransportRequest,
  type TransportResponse,
} from './http-transport.js';

export interface BrokerCall extends TransportRequest {
  /** What the call does, for messages: `append to orders/0`. */
  what: string;
  /** The code for a call that got no answer after it was sent; BROKER_UNAVAILABLE unless set. */
  unanswered?: ErrorCode;
}

export class BrokerCalls {
  readonly transport: HttpTransport;

  constructor(transport: HttpTransport) {
    this.transport = transport;
  }

  /** Sends the call; any answer resolves (the caller reads its status), a missing answer is a KlogError. */
  async send(call: BrokerCall): Promise<TransportResponse> {
    try {
      return await this.transport.send(call);
    } catch (error) {
      throw error instanceof BrokerTransportError ? this.unanswered(call, error) : error;
    }
  }

  /** Sends the call and parses a 2xx JSON answer; any other answer is the KlogError it carries. */
  async json<T>(call: BrokerCall): Promise<T> {
    const response = await this.send({
      ...call,
      headers: { [BrokerHeaders.accept]: JSON_CONTENT_TYPE, ...call.headers },
    });
    if (response.status < 200 || response.status > 299) throw this.failure(response);
    return parseJson(response) as T;
  }

  /** Sends a JSON body. */
  sendJson<T>(call: Omit<BrokerCall, 'body'>, body: unknown): Promise<T> {
    return this.json<T>({
      ...call,
      headers: { [BrokerHeaders.contentType]: JSON_CONTENT_TYPE, ...call.headers },
      body: Buffer.from(JSON.stringify(body)),
    });
  }

  /** The KlogError of a failed answer: the broker's own error when the body carries one, else from the status. */
  failure(response: TransportResponse): KlogError {
    return errorFromAnswer(response.status, answerJson(response), response.broker);
  }

  /** The KlogError of a call that got no answer, and whether the broker may have acted on it. */
  unanswered(call: BrokerCall, error: BrokerTransportError): KlogError {
    if (!error.mayHaveReachedServer) {
      return new KlogError(
        'BROKER_UNAVAILABLE',
        `Could not ${call.what}: no broker of ${this.brokerList()} accepted a connection (${error.message}). ` +
          'Check that the broker is running and the URL is right.',
        { cause: error, context: { endpoint: error.broker } },
      );
    }
    const code = call.unanswered ?? 'BROKER_UNAVAILABLE';
    const outcome = code === 'UNKNOWN_OUTCOME' ? 'it may or may not have been done; retrying is safe' : 'try again';
    return new KlogError(code, `Could not ${call.what}: ${error.message}; ${outcome}.`, {
      cause: error,
      retriable: true,
      context: { endpoint: error.broker },
    });
  }

  private brokerList(): string {
    return this.transport.brokers.join(', ');
  }
}

/** The answer's body as JSON, or undefined when it is empty or not JSON (a proxy's HTML page). */
export function answerJson(response: TransportResponse): unknown {
  if (response.body.length === 0) return undefined;
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseJson(response: TransportResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch (error) {
    throw new KlogError(
      'INTERNAL_ERROR',
      `The broker at ${response.broker} answered HTTP ${response.status} with a body that is not JSON; is the URL ` +
        'that of a klog broker?',
      { cause: error, context: { endpoint: response.broker, status: response.status } },
    );
  }
}
