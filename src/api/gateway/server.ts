/**
 * The HTTP edge: AWS JSON 1.1 over `POST /`, plus a few plain routes (health, and the ones
 * other modules add such as task logs). Assigns the request id, authenticates, parses and
 * validates against the model, dispatches, serializes, and renders errors.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../../common/errors.js';
import type { Clock } from '../../common/clock.js';
import { requestId as newRequestId } from '../../common/ids.js';
import type { Logger } from '../../common/logger.js';
import { operations } from '../generated/operations.js';
import type { Dispatcher } from '../dispatch.js';
import { errorResponse } from '../protocol/error-response.js';
import { parseInput } from '../protocol/parse-input.js';
import { serializeOutput } from '../protocol/serialize-output.js';
import { serviceModel } from '../protocol/model.js';
import { authenticate, type Credential } from './sigv4.js';

const maxBodyBytes = 16 * 1024 * 1024;
const targetPrefix = `${serviceModel.metadata.targetPrefix}.`;

/** A plain HTTP route beside the API (GET only), e.g. /health or /tasks/<id>/log. */
export interface PlainRoute {
  readonly pattern: RegExp;
  handle(match: RegExpExecArray, req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export interface GatewayOptions {
  readonly dispatcher: Dispatcher;
  readonly credentials?: ReadonlyMap<string, Credential>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly routes?: readonly PlainRoute[];
}

export class Gateway {
  private readonly server: Server;
  private readonly shutdown = new AbortController();

  constructor(private readonly opts: GatewayOptions) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.keepAliveTimeout = 5000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting requests and resolves when the in-flight ones have finished. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newRequestId();
    res.setHeader('x-amzn-RequestId', requestId);
    const log = this.opts.log.child({ requestId });
    let op = '';
    try {
      const url = req.url ?? '/';
      if (req.method === 'GET') return await this.plainRoute(url, req, res);
      if (req.method !== 'POST' || url.split('?')[0] !== '/') {
        throw new ApiError('UnknownOperationException', `OpenDMS serves the DMS API as POST / with an X-Amz-Target header; got ${req.method} ${url}.`, 404);
      }
      const body = await readBody(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (!target.startsWith(targetPrefix)) {
        throw new ApiError('UnknownOperationException', target ? `Unknown X-Amz-Target '${target}': DMS targets look like ${targetPrefix}<Operation>.` : `Missing X-Amz-Target header: DMS requests name the operation as ${targetPrefix}<Operation>.`);
      }
      op = target.slice(targetPrefix.length);
      const { dispatcher } = this.opts;
      if (!dispatcher.isOperation(op)) {
        throw new ApiError('UnknownOperationException', `Unknown operation '${op}' in X-Amz-Target '${target}': it is not an operation of the DMS API (2016-01-01).`);
      }
      const caller = authenticate({ method: req.method, path: url, headers: req.headers, body }, this.opts.credentials, this.opts.clock.now());
      let json: unknown = {};
      if (body.length > 0) {
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch (err) {
          throw new ApiError('SerializationException', `The request body is not valid JSON: ${(err as Error).message}.`);
        }
      }
      const spec = operations[op];
      const input = spec.input ? parseInput(spec.input, json) : {};
      const output = await dispatcher.invoke(op, input, {
        scope: { account: caller.accountId, region: caller.region },
        requestId,
        signal: this.shutdown.signal,
        log,
      });
      send(res, 200, serializeOutput(spec.output, output));
      log.debug('request', { op, status: 200 });
    } catch (err) {
      const r = errorResponse(err);
      if (r.internal) log.error('request failed', { op, error: (err as Error)?.stack ?? String(err) });
      else log.debug('request refused', { op, status: r.status, type: r.type });
      res.setHeader('x-amzn-ErrorType', r.type);
      send(res, r.status, r.body);
    }
  }

  private async plainRoute(url: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = url.split('?')[0]!;
    if (path === '/health') return send(res, 200, { status: 'ok' }, 'application/json');
    for (const route of this.opts.routes ?? []) {
      const m = route.pattern.exec(path);
      if (m) return route.handle(m, req, res);
    }
    throw new ApiError('NotFound', `No route for GET ${path}. The DMS API is POST / with an X-Amz-Target header.`, 404);
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/x-amz-json-1.1'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) {
        reject(new ApiError('RequestEntityTooLarge', `The request body is larger than ${maxBodyBytes} bytes.`, 413));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
