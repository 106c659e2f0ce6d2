/**
 * `POST .../partitions/{p}/records`: one batch, binary (`application/vnd.klog.batch`) or JSON. The body is read
 * whole before the append, so a malformed one writes nothing. With a group committer (a long-running broker) the
 * batch shares a segment with concurrent requests for the partition; otherwise it is one segment alone.
 */
import { parseJsonProduceBody, produceBatchFromBody } from '../../sdk/backend/broker-records.js';
import { appendResultToJson, BATCH_CONTENT_TYPE, BrokerHeaders } from '../../sdk/backend/broker-wire.js';
import { jsonResponse } from '../broker-http.js';
import type { ProduceRequest } from '../group-commit.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { invalid, jsonBody, partitionParam } from './input.js';

/** Content types read as JSON: curl's `-d` sends form-urlencoded unless told otherwise. */
const JSON_TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded'];

export const produce: Handler = async (context) => {
  const ref = await partitionParam(context);
  const request = produceRequest(context);
  const bytes = context.request.body.length;
  context.note({ bytes });
  const result =
    context.committer !== null
      ? await context.committer.append(ref, request, bytes)
      : 'batch' in request
        ? await context.backend.appendEncoded(ref, request)
        : await context.backend.append(ref, request);
  return jsonResponse(200, appendResultToJson(result));
};

function produceRequest(context: HandlerContext): ProduceRequest {
  const contentType = (context.request.headers[BrokerHeaders.contentType] ?? '').split(';')[0]?.trim().toLowerCase();
  // The producer's batch is stored as it came, without decoding its records and encoding them again.
  if (contentType === BATCH_CONTENT_TYPE) return produceBatchFromBody(context.request.body);
  if (contentType === '' || contentType === undefined || JSON_TYPES.includes(contentType)) {
    return parseJsonProduceBody(jsonBody(context));
  }
  throw invalid(`A produce body must be ${BATCH_CONTENT_TYPE} or application/json, not "${contentType}".`);
}
