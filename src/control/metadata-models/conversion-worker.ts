/**
 * The worker-thread side of a conversion: receives one ConversionJob, posts back its result
 * or its error, and ends. The main thread terminates the worker to cancel.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from '../../common/errors.js';
import { runConversionJob, type ConversionJob } from './conversion-job.js';

try {
  parentPort!.postMessage({ ok: true, result: runConversionJob(workerData as ConversionJob) });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: messageOf(err) });
}
