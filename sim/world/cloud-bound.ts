import { topicRoot } from '../protocol/index.ts';
import type { Broker } from '../broker/broker.ts';

/**
 * The messages the broker authorized on the topics the cloud subscribes to (DESIGN §4 `status`, `ack`,
 * `event`) against those the cloud handled, counted from when the cloud is subscribed. Authorized, not
 * delivered: aedes answers a QoS 1 publish's PUBACK before it delivers it, so a gateway is done with a
 * message while the broker still holds it; the authorization comes before that PUBACK.
 */
export class CloudBoundCount {
  private accepted = 0;
  private receivedBase: number;
  private readonly stop: () => void;

  constructor(broker: Pick<Broker, 'onAuthorizedPublish'>, namespace: string, private readonly received: () => number) {
    const root = topicRoot(namespace).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const cloudBound = new RegExp(`^${root}/[^/]+/(status|ack|event)$`);
    this.receivedBase = received();
    this.stop = broker.onAuthorizedPublish((topic) => {
      if (cloudBound.test(topic)) this.accepted++;
    });
  }

  /** Accepted and not yet handled by the cloud. */
  get inTransit(): number {
    return this.accepted - (this.received() - this.receivedBase);
  }

  /**
   * Count from now: what is still "in transit" will never arrive (the cloud's session was lost with it;
   * QoS 1 to a clean session is not kept). A world reset calls it once it has waited for quiet.
   */
  rebase(): void {
    this.accepted = 0;
    this.receivedBase = this.received();
  }

  close(): void {
    this.stop();
  }
}
