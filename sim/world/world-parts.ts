import type { WorldClock } from '../clock/index.ts';
import type { Broker } from '../broker/broker.ts';
import type { BrokerThread } from '../broker/broker-thread.ts';
import type { Cloud } from '../cloud/index.ts';
import { Journal } from '../cloud/journal.ts';
import type { FaultDice } from '../random.ts';
import type { VirtualGateway } from '../gateway/gateway.ts';
import type { LockTable } from '../lock/lock-table.ts';
import type { Fixture } from './fixture.ts';
import type { PushSink } from './push-sink.ts';
import { ApIndex } from './ap-index.ts';
import type { CloudBoundCount } from './cloud-bound.ts';

/** The parts a world fills in while it starts. */
type StartedPart = 'broker' | 'brokerThread' | 'mqttUrl' | 'cloud' | 'faceProviderUrl' | 'cloudBound';

/**
 * The parts of a running world (DESIGN §1 `sim/world`) that the control API (DESIGN §8) and the resets
 * work on. `World` extends it with how the parts start and stop, so the control routes know the parts
 * and never the code that builds them.
 */
export class WorldParts {
  constructor(
    readonly fixture: Fixture,
    readonly clock: WorldClock,
    /** Every simulated lock, kept as data and made on first use (DESIGN §13). */
    readonly locks: LockTable,
    readonly sink: PushSink,
    /** The defects this world was built with (a reset builds its locks with them again). */
    readonly defects: readonly string[],
    /** The world's namespace on the broker (DESIGN §13); '' = §4 exactly. */
    readonly namespace: string,
    /** The world's seed (STYLE §2): fault rates set on the control API draw from forks of it. */
    readonly seed = 0,
  ) {}

  // Filled in once while the world starts (World.start, through `started`); read-only for everyone else.
  /** The embedded broker; absent on an external one (DESIGN §13) and in its own thread (the bench's `brokerThread`, which offers no levers). */
  readonly broker: Broker | undefined;
  /** The embedded broker when it runs in a worker thread. */
  readonly brokerThread: BrokerThread | undefined;
  /** URL of the broker every part uses, without credentials. */
  readonly mqttUrl: string = '';
  /** The stub cloud; absent in a devices-only world (`npm run fleet`). */
  readonly cloud: Cloud | undefined;
  /** The broker's cloud-bound messages against the cloud's handled ones (`GET /quiet`); absent on a broker the world cannot tap. */
  readonly cloudBound: CloudBoundCount | undefined;
  readonly gateways = new Map<number, VirtualGateway>();
  /** Base URL of the face provider the cloud calls (the built-in one unless the fixture names another). */
  readonly faceProviderUrl: string = '';
  /** The gateway each lock is behind (absent: no AP). */
  readonly apOf = new ApIndex();
  /** Fixture gateways that are not simulated here (WorldOptions.externalGateways). */
  readonly externalGateways = new Set<number>();
  /** Locks reached through a link from outside (`linkFor`, the lab's serial link) rather than the in-process radio. */
  readonly external = new Set<number>();
  /** Loss-rate dice of the locks given a `loss_rate` (control API), made on first use. */
  readonly radioFaults = new Map<number, FaultDice>();
  /** The radio's lookup of a lock's dice (RadioLink `lossesOf`): one function for every link. */
  readonly radioLosses = (lockId: number): FaultDice | undefined => this.radioFaults.get(lockId);
  /** Every API exchange, control call, MQTT message of the cloud and push attempt, bounded (`GET /journal`). */
  readonly journal = new Journal(() => this.clock.now());

  /** The one writer of the parts a starting world fills in (each once, in World.start). */
  protected started<K extends StartedPart>(part: K, value: WorldParts[K]): WorldParts[K] {
    (this as { -readonly [P in StartedPart]: WorldParts[P] })[part] = value;
    return value;
  }

  /**
   * The cloud's state forgotten once no command awaits its ack, and the sink emptied; broker,
   * gateways, locks and clock left as they are (DESIGN §12: a gateway the harness does not control
   * stays connected between tests).
   */
  async resetCloud(timeoutMs = 5000): Promise<void> {
    await this.cloud?.reset(timeoutMs);
    this.sink.reset();
  }
}
