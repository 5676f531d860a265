import { indexOfSorted } from '../lock/lock-columns.ts';

/**
 * The gateway each lock is behind (absent: no AP), as two columns sorted by lock id: 8 bytes a lock
 * where a Map entry was ~30 (DESIGN §13 memory per lock).
 */
export class ApIndex {
  private lockIds = new Uint32Array(0);
  private apIds = new Uint32Array(0);

  /** Index the fixture's gateways (as the world starts; a lock is behind one gateway at most, `parseFixture` checks). */
  fill(gateways: readonly { ap_id: number; locks: readonly number[] }[]): void {
    const pairs: [number, number][] = gateways.flatMap((g) => g.locks.map((id): [number, number] => [id, g.ap_id]));
    pairs.sort((a, b) => a[0] - b[0]);
    this.lockIds = Uint32Array.from(pairs, (p) => p[0]);
    this.apIds = Uint32Array.from(pairs, (p) => p[1]);
  }

  /** The gateway `lockId` is behind, or undefined. */
  get(lockId: number): number | undefined {
    const i = indexOfSorted(this.lockIds, lockId);
    return i < 0 ? undefined : this.apIds[i];
  }
}
