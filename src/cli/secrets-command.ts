/**
 * `opendms secrets put|list|delete`: the local secret store in the data folder, from which
 * data providers' (and endpoints') SecretsManagerSecretId are resolved. It works whether the
 * server runs or not (the store is SQLite in WAL mode, and the server reads secrets at each
 * use). Secret values are never printed, neither on success nor in an error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../common/clock.js';
import { OpenDmsError } from '../common/errors.js';
import { ConfigError, loadConfig } from '../config.js';
import { createRepositories } from '../control/repositories.js';
import type { SecretValue } from '../control/secrets/record.js';
import { checkSecretValue, parseSecretValue } from '../control/secrets/secret-value.js';
import { SecretStore } from '../control/secrets/secret-store.js';
import { Store } from '../store/store.js';

export const secretsUsage = `usage:
  opendms secrets put <secret-id> --value '<json>' [--data-dir <dir>]
  opendms secrets put <secret-id> --value-file <file, or - for stdin> [--data-dir <dir>]
  opendms secrets put <secret-id> --username <user> --password-stdin [--host <h>] [--port <n>] [--dbname <db>] [--data-dir <dir>]
  opendms secrets list [--data-dir <dir>]
  opendms secrets delete <secret-id> [--data-dir <dir>]
A secret id is a name (prod/app-db) or a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>);
the value is JSON like an RDS secret: {"username": "...", "password": "...", "host": "...", "port": 5432, "dbname": "..."}
(host, port, dbname optional). --value leaves the password in your shell history: prefer --value-file or --password-stdin.`;

interface Output {
  write(text: string): unknown;
}

export interface SecretsIo {
  readonly out: Output;
  readonly err: Output;
  /** The whole standard input, for --password-stdin and --value-file -. */
  readonly readStdin: () => Promise<string>;
}

class UsageError extends Error {}

/** Runs the command; returns the exit code (0 done, 1 failed, 2 wrong usage). */
export async function runSecretsCommand(argv: readonly string[], io: SecretsIo): Promise<number> {
  try {
    const [action, ...rest] = argv;
    const args = parseArgs(rest);
    switch (action) {
      case 'put':
        return await put(args, io);
      case 'list':
        return list(args, io);
      case 'delete':
        return remove(args, io);
      case undefined:
      case 'help':
      case '--help':
        io.out.write(`${secretsUsage}\n`);
        return 0;
      default:
        throw new UsageError(`unknown action '${action}'`);
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.err.write(`opendms secrets: ${err.message}\n${secretsUsage}\n`);
      return 2;
    }
    if (err instanceof OpenDmsError) {
      io.err.write(`opendms secrets: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

interface Args {
  readonly positional: string[];
  readonly options: Map<string, string>;
  readonly flags: Set<string>;
}

const valueOptions = ['--value', '--value-file', '--username', '--host', '--port', '--dbname', '--data-dir'];
const flagOptions = ['--password-stdin'];

function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (valueOptions.includes(name)) {
      const v = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : argv[++i];
      // Never echo the value of an option: it may be the secret.
      if (v === undefined) throw new UsageError(`option ${name} needs a value`);
      if (options.has(name)) throw new UsageError(`option ${name} is given twice`);
      options.set(name, v);
    } else if (flagOptions.includes(a)) flags.add(a);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${name}`);
    else positional.push(a);
  }
  return { positional, options, flags };
}

function onlyOne(args: Args, action: string): string {
  if (args.positional.length !== 1) throw new UsageError(`${action} takes exactly one secret id${args.positional.length ? `, got ${args.positional.length} arguments` : ''}`);
  return args.positional[0]!;
}

function refuse(args: Args, action: string, names: readonly string[]): void {
  for (const n of names) if (args.options.has(n) || args.flags.has(n)) throw new UsageError(`${n} does not apply to ${action}`);
}

async function put(args: Args, io: SecretsIo): Promise<number> {
  const id = onlyOne(args, 'put');
  const value = await valueOf(args, io);
  const store = openStore(args, true);
  try {
    const r = new SecretStore(store, createRepositories(store).secrets, systemClock).put(id, value);
    io.out.write(`Secret ${r.name} ${r.created ? 'created' : 'replaced'}.\n`);
    return 0;
  } finally {
    store.close();
  }
}

async function valueOf(args: Args, io: SecretsIo): Promise<SecretValue> {
  const sources = ['--value', '--value-file', '--username'].filter((n) => args.options.has(n));
  if (sources.length !== 1) throw new UsageError('give the value with exactly one of --value, --value-file and --username with --password-stdin');
  if (args.options.has('--value')) {
    refuse(args, 'put --value', ['--password-stdin', '--host', '--port', '--dbname']);
    return parseSecretValue(args.options.get('--value')!);
  }
  if (args.options.has('--value-file')) {
    refuse(args, 'put --value-file', ['--password-stdin', '--host', '--port', '--dbname']);
    const file = args.options.get('--value-file')!;
    let text: string;
    if (file === '-') text = await io.readStdin();
    else {
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new OpenDmsError('SecretFileUnreadable', `cannot read --value-file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    }
    return parseSecretValue(text);
  }
  if (!args.flags.has('--password-stdin')) throw new UsageError('--username needs --password-stdin: pipe the password in (e.g. printf %s "$PW" | opendms secrets put ...)');
  // One trailing newline is what `echo` adds, not part of the password.
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('--password-stdin read an empty password from standard input');
  const port = args.options.get('--port');
  return checkSecretValue({
    username: args.options.get('--username'),
    password,
    ...(args.options.has('--host') ? { host: args.options.get('--host') } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(args.options.has('--dbname') ? { dbname: args.options.get('--dbname') } : {}),
  });
}

function list(args: Args, io: SecretsIo): number {
  if (args.positional.length) throw new UsageError('list takes no arguments');
  refuse(args, 'list', [...valueOptions.filter((o) => o !== '--data-dir'), ...flagOptions]);
  const store = openStore(args, false);
  try {
    for (const s of new SecretStore(store, createRepositories(store).secrets, systemClock).list()) io.out.write(`${s.name}\t${s.changedAt}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function remove(args: Args, io: SecretsIo): number {
  const id = onlyOne(args, 'delete');
  refuse(args, 'delete', [...valueOptions.filter((o) => o !== '--data-dir'), ...flagOptions]);
  const store = openStore(args, false);
  try {
    const name = new SecretStore(store, createRepositories(store).secrets, systemClock).delete(id);
    if (name === undefined) {
      io.err.write(`opendms secrets: there is no secret ${id}; \`opendms secrets list\` shows the secrets there are.\n`);
      return 1;
    }
    io.out.write(`Secret ${name} deleted.\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** The data folder's store; `create` false refuses a folder that holds no OpenDMS state (a wrong --data-dir). */
function openStore(args: Args, create: boolean): Store {
  const dataDir = args.options.get('--data-dir');
  const config = loadConfig(dataDir !== undefined ? ['--data-dir', dataDir] : []);
  if (!create && !existsSync(join(config.dataDir, 'opendms.sqlite'))) {
    throw new OpenDmsError('NoDataFolder', `no OpenDMS data folder at ${config.dataDir}; pass --data-dir (or set OPENDMS_DATA_DIR) to the folder the server uses.`);
  }
  return new Store(config.dataDir);
}
