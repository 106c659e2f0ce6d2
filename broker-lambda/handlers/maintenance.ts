/** `POST /v1/maintenance/runs`: one maintenance run (retention) over the given topics, or all. */
import { toMaintenanceReport } from '../../sdk/maintenance/maintenance-result.js';
import { validateName } from '../../sdk/names.js';
import { jsonResponse } from '../broker-http.js';
import type { Handler } from '../handler-context.js';
import { invalid, jsonObjectBody, wholeNumber } from './input.js';

export const runMaintenance: Handler = async (context) => {
  const body = jsonObjectBody(context, {});
  let topics: string[] | undefined;
  if (body.topics !== undefined) {
    if (!Array.isArray(body.topics)) throw invalid('"topics" must be an array of topic names.');
    topics = body.topics.map((topic: unknown) => validateName('topic', topic));
  }
  const now = body.now === undefined ? undefined : wholeNumber(body.now, 'now', 0, Number.MAX_SAFE_INTEGER);
  const partitions = await context.backend.runMaintenance({ topics, now });
  return jsonResponse(200, { partitions: partitions.map(toMaintenanceReport) });
};
