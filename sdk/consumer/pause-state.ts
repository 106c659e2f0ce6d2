/**
 * Which partitions are paused, as kafkajs's `pause`/`resume`/`paused`: pausing a topic without naming
 * partitions pauses all of its partitions, including those that appear later; naming partitions pauses
 * only those. A paused partition is neither fetched nor delivered (the consumer drops what it had fetched
 * for it and reads it again after `resume`).
 */

export interface TopicPartitions {
  topic: string;
  partitions?: number[];
}

interface PausedTopic {
  /** The whole topic is paused. */
  all: boolean;
  partitions: Set<number>;
}

export class PauseState {
  private readonly topics = new Map<string, PausedTopic>();

  pause(topic: string, partitions: readonly number[] | undefined): void {
    if (partitions === undefined) {
      this.topics.set(topic, { all: true, partitions: new Set() });
      return;
    }
    const paused = this.topics.get(topic) ?? { all: false, partitions: new Set<number>() };
    if (!paused.all) for (const partition of partitions) paused.partitions.add(partition);
    this.topics.set(topic, paused);
  }

  /** `known` lists the topic's partitions, needed when some partitions of a paused topic resume. */
  resume(topic: string, partitions: readonly number[] | undefined, known: readonly number[]): void {
    const paused = this.topics.get(topic);
    if (paused === undefined) return;
    if (partitions === undefined) {
      this.topics.delete(topic);
      return;
    }
    if (paused.all) {
      paused.all = false;
      for (const partition of known) paused.partitions.add(partition);
    }
    for (const partition of partitions) paused.partitions.delete(partition);
    if (paused.partitions.size === 0) this.topics.delete(topic);
  }

  isPaused(topic: string, partition: number): boolean {
    const paused = this.topics.get(topic);
    return paused !== undefined && (paused.all || paused.partitions.has(partition));
  }

  /** Paused partitions by topic; a topic paused as a whole lists the partitions `known` gives for it. */
  list(known: (topic: string) => readonly number[]): { topic: string; partitions: number[] }[] {
    const result: { topic: string; partitions: number[] }[] = [];
    for (const [topic, paused] of this.topics) {
      const partitions = paused.all ? [...known(topic)] : [...paused.partitions];
      result.push({ topic, partitions: partitions.sort((a, b) => a - b) });
    }
    return result;
  }
}
