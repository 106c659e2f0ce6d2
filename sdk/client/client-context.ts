/** What the client hands to each Producer, Consumer and Admin it creates. */
import type { Backend } from '../backend/backend.js';
import type { ClientCounters } from './counters.js';
import type { Logger } from './logger.js';
import type { RetryConfig } from './retrier.js';

export interface ClientContext {
  clientId: string;
  backend: Backend;
  logger: Logger;
  counters: ClientCounters;
  retry: RetryConfig;
  /** True when the store is the embedded filesystem or memory store: short lingers cost nothing there. */
  local: boolean;
}
