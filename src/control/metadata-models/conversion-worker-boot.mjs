// Loads the TypeScript conversion worker through tsx, as bin/opendms.mjs loads the server:
// a worker thread does not inherit the loader the main thread registered with tsx's API.
import { register } from 'tsx/esm/api';

register();
await import('./conversion-worker.ts');
