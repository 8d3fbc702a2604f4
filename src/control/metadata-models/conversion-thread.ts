/**
 * Runs a ConversionJob in a worker thread: the API's event loop stays free during a huge
 * conversion, and aborting the signal terminates the worker at once (what makes
 * CancelMetadataModelConversion real).
 */
import { Worker } from 'node:worker_threads';
import { RequestFailure } from './request-runner.js';
import type { ConversionJob, ConversionJobResult } from './conversion-job.js';

const bootFile = new URL('./conversion-worker-boot.mjs', import.meta.url);

type Reply = { readonly ok: true; readonly result: ConversionJobResult } | { readonly ok: false; readonly message: string };

export function runConversionInThread(job: ConversionJob, signal: AbortSignal): Promise<ConversionJobResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const worker = new Worker(bootFile, { workerData: job });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      settle(() => reject(signal.reason));
      void worker.terminate();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (reply: Reply) => {
      settle(() => (reply.ok ? resolve(reply.result) : reject(new RequestFailure(`The conversion failed: ${reply.message}`))));
      void worker.terminate();
    });
    worker.once('error', (err) => settle(() => reject(new RequestFailure(`The conversion worker failed: ${err.message}`, { cause: err }))));
    worker.once('exit', (code) => settle(() => reject(new RequestFailure(`The conversion worker ended (exit code ${code}) without a result.`))));
  });
}
