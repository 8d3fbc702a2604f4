/**
 * The composition root: the one place that builds concrete classes and wires them.
 * `createApp(config)` gives a server that `start()`s and `stop()`s cleanly.
 */
import { Dispatcher } from './api/dispatch.js';
import { loadCredentials } from './api/gateway/credentials-file.js';
import { Gateway, type PlainRoute } from './api/gateway/server.js';
import { systemClock, type Clock } from './common/clock.js';
import { createLogger, type Logger } from './common/logger.js';
import type { Config } from './config.js';
import { isLoopback } from './config.js';
import type { ControlDeps } from './control/deps.js';
import { EventRecorder } from './control/events/event-recorder.js';
import { Scheduler } from './control/lifecycle/scheduler.js';
import { createRepositories } from './control/repositories.js';
import { accountModule } from './control/account/module.js';
import { assessmentRunModule } from './control/assessment-runs/module.js';
import { certificateModule } from './control/certificates/module.js';
import { connectionModule } from './control/connections/module.js';
import { endpointModule } from './control/endpoints/module.js';
import { eventModule } from './control/events/module.js';
import { replicationInstanceModule } from './control/replication-instances/module.js';
import { replicationConfigModule } from './control/replication-configs/module.js';
import { replicationTaskModule } from './control/replication-tasks/module.js';
import { replicationModule } from './control/replications/module.js';
import { ControlTaskReporter } from './control/replication-tasks/task-reporter.js';
import { secondaryObjectsPlanner } from './control/replication-tasks/secondary-objects-planner.js';
import { taskLogRoute } from './control/replication-tasks/task-log-route.js';
import { metricsRoute } from './control/replication-tasks/metrics-route.js';
import { schemaModule } from './control/schemas/module.js';
import { SubnetGroupService } from './control/subnet-groups/subnet-group-service.js';
import { createConnectors } from './connectors/registry.js';
import { TaskLogStore } from './engine/task-log/task-log-store.js';
import { TaskSupervisor } from './engine/task-supervisor.js';
import { subnetGroupHandlers } from './control/subnet-groups/handlers.js';
import { dataProviderModule } from './control/data-providers/module.js';
import { instanceProfileModule } from './control/instance-profiles/module.js';
import { migrationProjectModule } from './control/migration-projects/module.js';
import type { ProjectContext } from './control/migration-projects/project-context.js';
import { StoreProjectContext } from './control/migration-projects/project-context-impl.js';
import { SecretStore } from './control/secrets/secret-store.js';
import type { ObjectStore } from './storage/object-store.js';
import { createObjectStore } from './storage/object-store-factory.js';
import { closeMetadataModels, metadataModelModule } from './control/metadata-models/module.js';
import { metadataModelProjectHooks } from './control/metadata-models/project-hooks.js';
import { parseTransformationRules } from './schema-conversion/index.js';
import { tagHandlers } from './control/tags/handlers.js';
import { TagService } from './control/tags/tag-service.js';
import { EventRepository } from './store/event-repository.js';
import { JobRepository } from './store/job-repository.js';
import { Store } from './store/store.js';
import { TagRepository } from './store/tag-repository.js';

export interface App {
  readonly url: string;
  readonly dispatcher: Dispatcher;
  /** Migration projects as schema conversion sees them (tests use it to check connections). */
  readonly projects: ProjectContext;
  /** Where reports and exports go (the results folder standing in for S3). */
  readonly objectStore: ObjectStore;
  stop(): Promise<void>;
}

export interface AppOptions {
  readonly clock?: Clock;
  readonly log?: Logger;
}

export class StartupError extends Error {}

export async function startApp(config: Config, opts: AppOptions = {}): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.logLevel);
  const credentials = config.credentialsFile ? loadCredentials(config.credentialsFile) : undefined;
  if (!credentials && !isLoopback(config.host)) {
    throw new StartupError(
      `refusing to listen on ${config.host} without a credentials file: with none, any signature is accepted, which is safe only on a loopback address. Set --credentials-file (OPENDMS_CREDENTIALS_FILE) or listen on 127.0.0.1.`,
    );
  }

  const store = new Store(config.dataDir);
  const repos = createRepositories(store);
  const tags = new TagService(store, new TagRepository(store));
  const scheduler = new Scheduler(new JobRepository(store), clock, log.child({ component: 'scheduler' }));
  const deps: ControlDeps = {
    store,
    repos,
    tags,
    events: new EventRecorder(new EventRepository(store), clock, { subscriptions: repos.eventSubscriptions, log: log.child({ component: 'events' }) }),
    scheduler,
    clock,
    log,
    settings: {
      provisioningDelayMs: config.provisioningDelayMs,
      replicationDeprovisionMs: config.replicationDeprovisionMs,
      quotas: config.quotas,
      dataDir: config.dataDir,
      resultsDir: config.resultsDir,
    },
  };

  const dispatcher = new Dispatcher();
  const subnetGroups = new SubnetGroupService(deps);
  dispatcher.register(subnetGroupHandlers(subnetGroups));
  dispatcher.register(tagHandlers(tags));
  // One line per resource family; each module gets the shared deps and what it needs beside them.
  const connectors = createConnectors();
  const taskLogs = new TaskLogStore(config.dataDir);
  const taskReporter = new ControlTaskReporter(deps, taskLogs);
  const engine = new TaskSupervisor({ reporter: taskReporter, connectors, taskLogs, clock, log, secondaryObjects: secondaryObjectsPlanner });
  dispatcher.register(replicationInstanceModule(deps, { subnetGroups, taskLogs }));
  dispatcher.register(endpointModule(deps));
  dispatcher.register(certificateModule(deps));
  dispatcher.register(connectionModule(deps, { connectors }));
  dispatcher.register(schemaModule(deps, { connectors }));
  dispatcher.register(eventModule(deps));
  dispatcher.register(accountModule(deps));
  const taskModule = replicationTaskModule(deps, { engine, reporter: taskReporter, taskLogs, connectors });
  dispatcher.register(taskModule.handlers);
  // The local results folder, or an S3-compatible server when --s3-endpoint is given.
  const objectStore = createObjectStore({ resultsDir: config.resultsDir, ...(config.s3 ? { s3: config.s3 } : {}) });
  // Premigration assessments: checks against the task's databases, results in the object store.
  const assessmentRuns = assessmentRunModule(deps, { connectors, objects: objectStore });
  dispatcher.register(assessmentRuns.handlers);
  // Serverless replications run on the same task runtime (the tasks' runs, engine and reporter),
  // and their premigration assessments are assessment runs of the task behind them.
  const replications = replicationModule(deps, { runs: taskModule.runs, connectors, assessmentRuns: assessmentRuns.service });
  dispatcher.register(replications.handlers);
  dispatcher.register(replicationConfigModule(deps, { subnetGroups, replications: replications.service }));
  // Schema conversion resources. Secrets are read from the store at each use, so a secret put
  // with `opendms secrets` while the server runs is seen at once.
  const secrets = new SecretStore(store, repos.secrets, clock);
  const projects = new StoreProjectContext({ repos, connectors, secrets });
  dispatcher.register(instanceProfileModule(deps));
  dispatcher.register(dataProviderModule(deps));
  // A project with a request under way is not modified or deleted; deleting one removes its
  // requests and models; its TransformationRules are checked by the converter's own parser.
  dispatcher.register(
    migrationProjectModule(deps, {
      ...metadataModelProjectHooks(deps),
      validateTransformationRules: (json) => void parseTransformationRules(json, 'TransformationRules'),
    }),
  );
  dispatcher.register(metadataModelModule(deps, { projects, objects: objectStore }));

  const routes: PlainRoute[] = [
    taskLogRoute(repos, taskLogs, { authenticated: credentials !== undefined }),
    metricsRoute(repos, taskReporter, clock, { authenticated: credentials !== undefined }),
  ];
  const gateway = new Gateway({ dispatcher, clock, log, routes, ...(credentials ? { credentials } : {}) });
  let address;
  try {
    address = await gateway.listen(config.port, config.host);
  } catch (err) {
    store.close();
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`, { cause: err });
  }
  scheduler.start();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    dispatcher,
    projects,
    objectStore,
    stop: () =>
      (stopping ??= (async () => {
        await gateway.close();
        // Conversions in worker threads are terminated; their requests settle at the next start.
        await closeMetadataModels(deps);
        // Runs end with the process: reports from here on are dropped, so a task stopped by
        // the shutdown is found interrupted (and settled) at the next start.
        taskReporter.close();
        await engine.close();
        // Aborts connection tests and schema refreshes in flight and waits for their
        // database connections to close; the records stay `testing`/`refreshing` and are
        // re-run on the next start.
        await connectors.close();
        await scheduler.stop();
        store.close();
      })()),
  };
}
