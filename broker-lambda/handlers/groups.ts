/**
 * Group-object routes (docs/broker-api.md, "Consumer groups"): GET, conditional PUT and DELETE of a group's
 * state, its members' heartbeats and its committed offsets, and lists of them. The store's outcome of a write is
 * the answer (412, 409, 404 ... with `{ outcome }`), since the group protocol in the client branches on it.
 * Keys are built with the same builders sdk/group uses, which refuse anything but these objects.
 */
import {
  BrokerHeaders,
  GROUP_OBJECT_CONTENT_TYPE,
  groupKeys,
  type ObjectListJson,
  outcomeToBody,
  statusForOutcome,
} from '../../sdk/backend/broker-wire.js';
import type { DeleteOutcome, WriteCondition, WriteOutcome } from '../../sdk/store/object-store.js';
import { type BrokerResponse, bytesResponse, jsonResponse } from '../broker-http.js';
import type { Handler, HandlerContext } from '../handler-context.js';
import { groupParam, invalid, queryNumber, wholeNumber } from './input.js';

const MAX_LIST = 10_000;

type KeyOf = (context: HandlerContext) => string;

const stateKey: KeyOf = (context) => groupKeys.state(groupParam(context));
const memberKey: KeyOf = (context) => groupKeys.member(groupParam(context), context.params.instanceId ?? '');
const offsetKey: KeyOf = (context) =>
  groupKeys.offset(
    groupParam(context),
    context.params.topicId ?? '',
    wholeNumber(context.params.partition, 'partition', 0, Number.MAX_SAFE_INTEGER),
  );

/** GET, PUT and DELETE handlers of one kind of group object. */
function objectHandlers(keyOf: KeyOf): { get: Handler; put: Handler; delete: Handler } {
  return {
    get: async (context) => {
      const object = await context.backend.groups.get(keyOf(context));
      if (object === null) return outcomeResponse({ kind: 'not-found' });
      return bytesResponse(200, GROUP_OBJECT_CONTENT_TYPE, object.body, { [BrokerHeaders.etag]: object.etag });
    },
    put: async (context) => {
      const key = keyOf(context);
      const condition = writeCondition(context);
      context.note({ bytes: context.request.body.length });
      return outcomeResponse(await context.backend.groups.put(key, context.request.body, condition));
    },
    delete: async (context) => {
      const key = keyOf(context);
      const ifMatch = context.request.headers[BrokerHeaders.ifMatch];
      return outcomeResponse(await context.backend.groups.delete(key, ifMatch));
    },
  };
}

export const groupState = objectHandlers(stateKey);
export const groupMember = objectHandlers(memberKey);
export const groupOffset = objectHandlers(offsetKey);

/** A list route over the keys under the prefix `prefixOf` names. */
function listHandler(prefixOf: (context: HandlerContext) => string): Handler {
  return async (context) => {
    const prefix = prefixOf(context);
    const startAfter = context.request.query.get('startAfter') ?? undefined;
    const limit = queryNumber(context, 'limit', 1, MAX_LIST);
    const objects = await context.backend.groups.list(prefix, { startAfter, limit });
    const body: ObjectListJson = { objects: objects.map(({ key, size }) => ({ key, size })) };
    return jsonResponse(200, body);
  };
}

export const listAllGroupObjects = listHandler(() => groupKeys.all());
export const listGroupObjects = listHandler((context) => groupKeys.group(groupParam(context)));
export const listGroupMembers = listHandler((context) => groupKeys.members(groupParam(context)));
export const listGroupOffsets = listHandler((context) => groupKeys.offsets(groupParam(context)));

/** Exactly one of `if-none-match: *` (create) and `if-match: <etag>` (replace). */
function writeCondition(context: HandlerContext): WriteCondition {
  const ifMatch = context.request.headers[BrokerHeaders.ifMatch];
  const ifNoneMatch = context.request.headers[BrokerHeaders.ifNoneMatch];
  if (ifMatch !== undefined && ifNoneMatch === undefined && ifMatch !== '') return { ifMatch };
  if (ifNoneMatch === '*' && ifMatch === undefined) return { ifNoneMatch: '*' };
  throw invalid('A group object PUT needs exactly one condition: "if-none-match: *" or "if-match: <etag>".');
}

function outcomeResponse(outcome: WriteOutcome | DeleteOutcome): BrokerResponse {
  const headers: Record<string, string> = {};
  if (outcome.kind === 'done' && 'etag' in outcome) headers[BrokerHeaders.etag] = outcome.etag;
  return jsonResponse(statusForOutcome(outcome.kind), outcomeToBody(outcome), headers);
}
