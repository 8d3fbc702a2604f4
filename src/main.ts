/**
 * The `opendms` command: `opendms serve [options]` starts the API with the embedded defaults;
 * `opendms logs <task>` prints a replication task's log from the data folder.
 */
import { startApp, StartupError } from './app.js';
import { ConfigError, envOnlyOptions, loadConfig, options } from './config.js';
import { printTaskLog } from './cli/task-logs-command.js';
import { runSecretsCommand } from './cli/secrets-command.js';

const usage = `Usage: opendms <command> [options]

Commands:
  serve     Start the OpenDMS API (AWS DMS API over AWS JSON 1.1)
  logs      Print a replication task's log: opendms logs <task-identifier-or-arn> [--data-dir <dir>] [--follow]
  secrets   Manage the local secret store that data providers' SecretsManagerSecretId name:
            opendms secrets put <secret-id> (--value <json> | --value-file <file> | --username <u> --password-stdin)
            opendms secrets list | opendms secrets delete <secret-id>   (each with [--data-dir <dir>]; see opendms secrets help)
  help      Show this help

Options of serve (each also read from its environment variable):
${options.map((o) => `  ${`${o.flag} <value>`.padEnd(30)} ${o.env.padEnd(30)} ${o.description} Default: ${o.default}.`).join('\n')}
Environment only (secrets stay out of ps):
${envOnlyOptions.map((o) => `  ${''.padEnd(30)} ${o.env.padEnd(30)} ${o.description} Default: ${o.default}.`).join('\n')}
`;

async function serve(argv: readonly string[]): Promise<void> {
  const config = loadConfig(argv);
  const app = await startApp(config);
  const auth = config.credentialsFile
    ? `SigV4 signatures are verified against ${config.credentialsFile}.`
    : 'No credentials file: any well-formed SigV4 signature is accepted (loopback only); the access key, when 12 digits, is the account id.';
  process.stdout.write(
    [
      `OpenDMS listening on ${app.url}`,
      `  data folder: ${config.dataDir}`,
      `  results (S3) folder: ${config.resultsDir}`,
      `  ${auth}`,
      `  try: aws dms describe-replication-instances --endpoint-url ${app.url} --region us-east-1`,
      '',
    ].join('\n'),
  );
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(130);
    process.stdout.write(`${sig} received: finishing in-flight requests, flushing state\n`);
    void app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`error while stopping: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'logs':
        process.exitCode = await printTaskLog(rest, process.stdout, process.stderr);
        return;
      case 'secrets':
        process.exitCode = await runSecretsCommand(rest, { out: process.stdout, err: process.stderr, readStdin });
        return;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage);
        return;
      default:
        process.stderr.write(`opendms: unknown command '${command}'\n\n${usage}`);
        process.exitCode = 2;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof StartupError) {
      process.stderr.write(`opendms: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

await main(process.argv.slice(2));
