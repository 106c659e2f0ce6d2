/**
 * Which members of a group are alive, as an admin (or anyone without a history of observations) can tell: it
 * re-reads the heartbeats until each has either changed (alive) or stayed the same for its member's session
 * timeout (dead: it is then tombstoned and deleted, as a leader would). It returns as soon as one member shows
 * life, so a live group is recognised within about one heartbeat interval; a group whose members all died takes
 * up to one session timeout (docs/consumer-groups.md §9).
 */
import type { GroupStorage } from '../backend/backend.js';
import { sleep } from '../retry.js';
import { memberKey } from '../store/keys.js';
import { readHeartbeatIds } from './group-objects-list.js';
import { HeartbeatObservations } from './heartbeat-observations.js';
import { observeHeartbeat, tombstoneHeartbeat } from './heartbeat-reads.js';
import type { MemberHeartbeat } from './member-heartbeat.js';

export async function findLiveMembers(storage: GroupStorage, group: string): Promise<MemberHeartbeat[]> {
  const observations = new HeartbeatObservations();
  const firstEtag = new Map<string, string>();
  for (;;) {
    const ids = await readHeartbeatIds(storage, group);
    const seen = await Promise.all(ids.map((id) => observeHeartbeat(storage, group, id, observations)));
    const waiting: MemberHeartbeat[] = [];
    const alive: MemberHeartbeat[] = [];
    for (const entry of seen) {
      if (entry.heartbeat === null || entry.etag === null) {
        if (entry.etag !== null) await storage.delete(memberKey(group, entry.instanceId));
        continue;
      }
      const first = firstEtag.get(entry.instanceId);
      if (first === undefined) firstEtag.set(entry.instanceId, entry.etag);
      if (first !== undefined && first !== entry.etag) {
        alive.push(entry.heartbeat);
      } else if (observations.isExpired(entry.instanceId)) {
        const seenAlive = { instanceId: entry.instanceId, heartbeat: entry.heartbeat, etag: entry.etag };
        if (await tombstoneHeartbeat(storage, group, seenAlive, 'admin')) {
          await storage.delete(memberKey(group, entry.instanceId));
        } else {
          alive.push(entry.heartbeat);
        }
      } else {
        waiting.push(entry.heartbeat);
      }
    }
    if (alive.length > 0) return [...alive, ...waiting];
    if (waiting.length === 0) return [];
    await sleep(Math.min(...waiting.map((heartbeat) => heartbeat.heartbeatIntervalMs)));
  }
}
