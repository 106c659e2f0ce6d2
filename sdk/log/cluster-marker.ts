/**
 * The cluster marker `klog.json` names the storage format of everything under the cluster prefix. It is
 * created once with `If-None-Match: *`; a klog that finds a newer major format refuses to touch the data.
 */
import { randomUUID } from 'node:crypto';
import { KlogError } from '../errors.js';
import { decodeJsonObject, encodeJsonObject } from '../format/json-object.js';
import { CLUSTER_MARKER_KEY } from '../store/keys.js';
import type { ObjectStore } from '../store/object-store.js';
import { getWithRetries } from './store-reads.js';

export interface ClusterMarker {
  clusterId: string;
  createdAt: number;
}

export async function ensureClusterMarker(store: ObjectStore): Promise<ClusterMarker> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const existing = await getWithRetries(store, CLUSTER_MARKER_KEY);
    if (existing !== null) return decodeJsonObject<ClusterMarker>('cluster', existing.body, CLUSTER_MARKER_KEY);
    const marker: ClusterMarker = { clusterId: randomUUID(), createdAt: Date.now() };
    const outcome = await store.put(CLUSTER_MARKER_KEY, encodeJsonObject('cluster', marker), { ifNoneMatch: '*' });
    if (outcome.kind === 'done') return marker;
    // Another process created it first, or the outcome is unknown: read what is there.
  }
  throw new KlogError('STORE_UNAVAILABLE', `Could not create or read ${CLUSTER_MARKER_KEY} on ${store.description}.`, {
    context: { key: CLUSTER_MARKER_KEY, endpoint: store.description },
  });
}
