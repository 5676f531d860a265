// Worker-thread bootstrap: tsx's loader is not inherited by workers (tsx issue 354), so register it
// here, then load the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
