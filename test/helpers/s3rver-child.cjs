// Runs s3rver (an S3-compatible server in Node) for the object-store tests, in its own plain
// Node process: under tsx, s3rver's koa loads generator-function's ESM build through
// require() and breaks (`getGeneratorFunction is not a function`), so it never runs in-process.
// argv: <directory> <bucket>... Prints {"port":N} once listening, then one {"put":path,"headers":{...}}
// line per PUT it receives (s3rver keeps no SSE headers, so tests read them here).
// Exits when stdin closes, so it never outlives the test that started it.
'use strict';
const S3rver = require('s3rver');

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
server.run().then(
  (address) => {
    server.httpServer.prependListener('request', (req) => {
      if (req.method === 'PUT') process.stdout.write(JSON.stringify({ put: req.url.split('?')[0], headers: req.headers }) + '\n');
    });
    process.stdout.write(JSON.stringify({ port: address.port }) + '\n');
  },
  (err) => {
    process.stderr.write(`s3rver did not start: ${err.stack || err}\n`);
    process.exit(1);
  },
);
const stop = () => server.close().finally(() => process.exit(0));
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
