/**
 * Counters a user can read from the client: records and bytes sent and received, and object-store requests
 * by type (what S3 bills). Bytes are payload bytes: keys, values and headers.
 */
import type { CountingObjectStore, RequestCounts } from '../store/counting-object-store.js';

export interface KlogCounters {
  recordsSent: number;
  bytesSent: number;
  recordsReceived: number;
  bytesReceived: number;
  requests: RequestCounts;
}

export class ClientCounters {
  recordsSent = 0;
  bytesSent = 0;
  recordsReceived = 0;
  bytesReceived = 0;
  private readonly store: CountingObjectStore | null;

  constructor(store: CountingObjectStore | null) {
    this.store = store;
  }

  sent(records: number, bytes: number): void {
    this.recordsSent += records;
    this.bytesSent += bytes;
  }

  received(records: number, bytes: number): void {
    this.recordsReceived += records;
    this.bytesReceived += bytes;
  }

  snapshot(): KlogCounters {
    const requests = this.store?.counts() ?? {
      get: 0,
      head: 0,
      put: 0,
      list: 0,
      delete: 0,
      bytesRead: 0,
      bytesWritten: 0,
    };
    return {
      recordsSent: this.recordsSent,
      bytesSent: this.bytesSent,
      recordsReceived: this.recordsReceived,
      bytesReceived: this.bytesReceived,
      requests,
    };
  }
}
