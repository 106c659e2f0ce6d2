/** What a route handler gets: the request, the route's path parameters, and the broker's parts. */
import type { DirectBackend } from '../sdk/backend/direct-backend.js';
import type { brokerDefaults } from '../sdk/config.js';
import type { BrokerRequest, BrokerResponse } from './broker-http.js';
import type { GroupCommitter } from './group-commit.js';
import type { ReaderCache } from './reader-cache.js';

/** The broker's settings: brokerDefaults, with numbers widened so that options can change them. */
export type BrokerLimits = {
  -readonly [K in keyof typeof brokerDefaults]: (typeof brokerDefaults)[K] extends number ? number : string;
};

/** Fields a handler adds to its request's log line; never record payloads. */
export interface LogFields {
  topic?: string;
  partition?: number;
  bytes?: number;
}

export interface HandlerContext {
  request: BrokerRequest;
  /** Path parameters, percent-decoded. */
  params: Readonly<Record<string, string>>;
  backend: DirectBackend;
  limits: BrokerLimits;
  /** Gathers concurrent produce requests per partition into one segment; null appends each request alone. */
  committer: GroupCommitter | null;
  readers: ReaderCache;
  note(fields: LogFields): void;
}

export type Handler = (context: HandlerContext) => Promise<BrokerResponse>;
