/**
 * Picks each input record's partition before it is sent, so that `klog produce` knows how many records of a
 * send went to each partition and can report exact offsets. The choice is the producer's default one: a
 * `--partition` wins; a keyed record goes where Kafka's Java client would put it (the SDK's murmur2); keyless
 * records stick to one partition per input chunk and move to another one for the next chunk, as KIP-480's sticky
 * partitioner sticks to one partition per batch.
 */
import { partitionForKey } from '../sdk/producer/murmur2.js';

export class InputPartitioner {
  private readonly fixed: number | undefined;
  private readonly random: () => number;
  private sticky = -1;

  constructor(fixed: number | undefined, random: () => number = Math.random) {
    this.fixed = fixed;
    this.random = random;
  }

  /** Starts a new input chunk: keyless records of this chunk go to one partition, other than the last one's. */
  nextChunk(partitions: number): void {
    const previous = this.sticky;
    if (previous < 0 || previous >= partitions) {
      this.sticky = Math.floor(this.random() * partitions);
      return;
    }
    if (partitions === 1) return;
    const chosen = Math.floor(this.random() * (partitions - 1));
    this.sticky = chosen >= previous ? chosen + 1 : chosen;
  }

  partitionFor(key: Buffer | null, partitions: number): number {
    if (this.fixed !== undefined) return this.fixed;
    if (key !== null) return partitionForKey(key, partitions);
    if (this.sticky < 0 || this.sticky >= partitions) this.nextChunk(partitions);
    return this.sticky;
  }
}
