/**
 * `POST .../partitions/{p}/records`: one batch, binary (`application/vnd.klog.batch`) or JSON. The body is read
 * whole before the append, so a malformed one writes nothing. With a group committer (a long-running broker) the
 * batch shares a segment with concurrent requests for the partition; otherwise it is one segment alone.
 */
import { decodeProduceBody, parseJsonProduceBody } from '../../sdk/backend/broker-records.js';
import { appendResultToJson, BATCH_CONTENT_TYPE, BrokerHeaders } from '../../sdk/backend/broker-wire.js';
import type { AppendRequest } from '../../sdk/log/partition-writer.js';
import { jsonResponse } from '../broker-http.js';
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
    context.committer === null
      ? await context.backend.append(ref, request)
      : await context.committer.append(ref, request, bytes);
  return jsonResponse(200, appendResultToJson(result));
};

function produceRequest(context: HandlerContext): AppendRequest {
  const contentType = (context.request.headers[BrokerHeaders.contentType] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType === BATCH_CONTENT_TYPE) return decodeProduceBody(context.request.body);
  if (contentType === '' || contentType === undefined || JSON_TYPES.includes(contentType)) {
    return parseJsonProduceBody(jsonBody(context));
  }
  throw invalid(`A produce body must be ${BATCH_CONTENT_TYPE} or application/json, not "${contentType}".`);
}
