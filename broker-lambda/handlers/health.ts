/** `GET /v1/health`: the broker answers. It does not touch the store and names no bucket, so it may be open. */
import { BROKER_API_VERSION } from '../../sdk/backend/broker-wire.js';
import { jsonResponse } from '../broker-http.js';
import type { Handler } from '../handler-context.js';

export const health: Handler = async () => jsonResponse(200, { status: 'ok', api: BROKER_API_VERSION });
