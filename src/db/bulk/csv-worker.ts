// The worker thread that parses a large CSV file while the importing thread writes to the model.
// Batches go out as messages; the importer hands back one credit a batch it has taken, so no more
// than WINDOW batches wait at a time and memory stays flat however far parsing runs ahead.

import { parentPort, workerData } from 'node:worker_threads';
import { CsvRecordReader } from './csv-records.js';

export interface CsvWorkerData {
  readonly path: string;
}

/** A message to the worker: one more batch may be sent, or stop reading. */
export type ToCsvWorker = 'more' | 'stop';

const WINDOW = 4;
const port = parentPort!;
let credits = WINDOW;

const reader = new CsvRecordReader(
  (workerData as CsvWorkerData).path,
  (batch) => {
    port.postMessage({ batch }, [batch.meta.buffer]);
    if (--credits <= 0) reader.pause();
  },
  (end) => {
    port.postMessage({ end });
    port.close();
  },
);

port.on('message', (m: ToCsvWorker) => {
  if (m === 'more') {
    credits++;
    reader.resume();
  } else {
    reader.stop();
    port.close();
  }
});
