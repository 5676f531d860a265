/**
 * The broker's side of `BrokerThread`: a `Broker` inside a worker thread, driven by messages
 * (`ToWorker`) and reporting its address, stats and tapped publishes back (`FromWorker`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Broker } from './broker.ts';
import type { BrokerThreadData, FromWorker, ToWorker } from './broker-thread.ts';

/** How often changed stats are sent to the main thread, ms. */
const STATS_EVERY_MS = 20;

const port = parentPort!;
const data = workerData as BrokerThreadData;
const post = (m: FromWorker): void => port.postMessage(m);

try {
  const secrets = new Map(data.secrets);
  const broker = await Broker.create({
    host: data.host, port: data.port, cloudPassword: data.cloudPassword, gatewaySecret: (id) => secrets.get(id), defects: data.defects,
  });
  let last = '';
  const sendStats = (): void => {
    const now = JSON.stringify(broker.stats);
    if (now !== last) post({ type: 'stats', stats: JSON.parse((last = now)) as FromWorkerStats });
  };
  const statsTimer = setInterval(sendStats, STATS_EVERY_MS);
  let untap: (() => void) | null = null;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'tap') {
      untap?.();
      untap = m.on ? broker.onPublish((topic, payload) => post({ type: 'publish', topic, payload: new Uint8Array(payload) })) : null;
    } else if (m.type === 'close') {
      clearInterval(statsTimer);
      void broker.close().then(() => {
        sendStats();
        post({ type: 'closed' });
        port.close();
      });
    }
  });
  post({ type: 'ready', url: broker.url, port: broker.port, stats: JSON.parse(JSON.stringify(broker.stats)) as FromWorkerStats });
} catch (e) {
  post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  port.close();
}

type FromWorkerStats = Extract<FromWorker, { type: 'stats' }>['stats'];
