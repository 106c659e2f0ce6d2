/**
 * One partition read through a broker: fetch with long-poll, and the earliest, latest and by-timestamp offsets.
 *
 * A fetch asks the broker to wait up to `waitMs` for records when the partition has none at the offset, so a
 * caught-up consumer makes one request per wait instead of one per idle poll, and sees new records as soon as the
 * broker does. Fetches are binary (klog's batch encoding in frames, broker-records.ts), not JSON. The reader keeps
 * no position: the broker's own readers remember segment boundaries, and the consumer passes the offset each time.
 */
import { KlogError } from '../errors.js';
import type { ReadOptions, ReadResult } from '../log/partition-reader.js';
import type { PartitionRef } from '../store/keys.js';
import type { PartitionReadHandle } from './backend.js';
import type { BrokerCalls } from './broker-calls.js';
import { decodeFetchBody } from './broker-records.js';
import {
  BATCH_CONTENT_TYPE,
  BrokerHeaders,
  brokerPaths,
  decimal,
  type OffsetJson,
  offsetFromJson,
} from './broker-wire.js';

export interface HttpPartitionReaderOptions {
  /** How long the broker may hold a fetch that finds nothing (ms). */
  waitMs: number;
  /** The broker's largest fetch (bytes): larger `maxBytes` are capped to it. */
  maxFetchBytes: number;
}

export class HttpPartitionReader implements PartitionReadHandle {
  readonly ref: PartitionRef;
  /** A fetch that finds nothing has waited `waitMs` at the broker: the consumer need not back off after it. */
  readonly waitsForData: boolean;
  private readonly calls: BrokerCalls;
  private readonly options: HttpPartitionReaderOptions;

  constructor(calls: BrokerCalls, ref: PartitionRef, options: HttpPartitionReaderOptions) {
    this.calls = calls;
    this.ref = ref;
    this.options = options;
    this.waitsForData = options.waitMs > 0;
  }

  async read(offset: bigint, options: ReadOptions = {}): Promise<ReadResult> {
    const maxBytes =
      options.maxBytes === undefined ? undefined : Math.min(options.maxBytes, this.options.maxFetchBytes);
    const { waitMs } = this.options;
    const response = await this.calls.send({
      method: 'GET',
      path: brokerPaths.fetch(this.ref, { offset, maxBytes, waitMs: waitMs > 0 ? waitMs : undefined }),
      headers: { [BrokerHeaders.accept]: BATCH_CONTENT_TYPE },
      holdMs: waitMs,
      idempotent: true,
      what: `fetch ${this.where()} from offset ${offset}`,
    });
    if (response.status !== 200) throw this.calls.failure(response);
    const next = response.headers[BrokerHeaders.nextOffset];
    if (typeof next !== 'string') {
      throw new KlogError(
        'INTERNAL_ERROR',
        `The broker at ${response.broker} answered a fetch of ${this.where()} without ${BrokerHeaders.nextOffset}.`,
        { context: this.context({ endpoint: response.broker }) },
      );
    }
    return { records: decodeFetchBody(response.body), nextOffset: decimal(next, BrokerHeaders.nextOffset) };
  }

  async earliestOffset(): Promise<bigint> {
    return this.required(await this.offset(brokerPaths.earliestOffset(this.ref), 'earliest'));
  }

  async latestOffset(): Promise<bigint> {
    return this.required(await this.offset(brokerPaths.latestOffset(this.ref), 'latest'));
  }

  offsetForTimestamp(timestamp: number): Promise<bigint | null> {
    return this.offset(brokerPaths.offsetForTimestamp(this.ref, timestamp), `for time ${timestamp}`);
  }

  private async offset(path: string, which: string): Promise<bigint | null> {
    const answer = await this.calls.json<OffsetJson>({
      method: 'GET',
      path,
      idempotent: true,
      what: `read the ${which} offset of ${this.where()}`,
    });
    return offsetFromJson(answer);
  }

  private required(offset: bigint | null): bigint {
    if (offset !== null) return offset;
    throw new KlogError('INTERNAL_ERROR', `The broker answered no offset for ${this.where()}.`, {
      context: this.context(),
    });
  }

  private where(): string {
    return `${this.ref.topic}/${this.ref.partition}`;
  }

  private context(extra: Record<string, unknown> = {}) {
    return { topic: this.ref.topic, partition: this.ref.partition, ...extra };
  }
}
