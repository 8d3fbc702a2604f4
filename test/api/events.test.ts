/**
 * Events, event categories and event subscriptions. The API is exercised through the real SDK
 * client; events are recorded by an EventRecorder over a second connection to the test
 * server's own data folder, with a clock the test sets, so time windows are exact.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AddTagsToResourceCommand,
  CreateEventSubscriptionCommand,
  CreateReplicationInstanceCommand,
  DatabaseMigrationServiceClient,
  DeleteEventSubscriptionCommand,
  DescribeEventCategoriesCommand,
  DescribeEventsCommand,
  DescribeEventSubscriptionsCommand,
  ListTagsForResourceCommand,
  ModifyEventSubscriptionCommand,
  ResourceAlreadyExistsFault,
  ResourceNotFoundFault,
  ResourceQuotaExceededFault,
  SNSInvalidTopicFault,
  UpdateSubscriptionsToEventBridgeCommand,
  paginateDescribeEvents,
  paginateDescribeEventSubscriptions,
  waitUntilReplicationInstanceAvailable,
} from '@aws-sdk/client-database-migration-service';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/common/logger.js';
import { EventRecorder, type ResourceEvent } from '../../src/control/events/event-recorder.js';
import { eventWindow } from '../../src/control/events/event-window.js';
import { supportsEventBridge } from '../../src/control/events/eventbridge-move.js';
import type { EventSubscriptionRecord } from '../../src/control/events/record.js';
import { subscriptionMatches, type MatchableSubscription } from '../../src/control/events/subscription-matching.js';
import { EventRepository } from '../../src/store/event-repository.js';
import { ResourceRepository } from '../../src/store/resource-repository.js';
import { Store } from '../../src/store/store.js';
import { startTestServer, uniqueName, type TestServer } from '../helpers/server.js';

const topic = 'arn:aws:sns:us-east-1:123456789012:my-sns-topic';
const minute = 60_000;

/** The error name the SDK gives an unmodelled error (InvalidParameterValueException ...). */
const named = (name: string, message?: RegExp) => (e: unknown) =>
  (e as { name?: string }).name === name && (message === undefined || message.test((e as Error).message));

/** A recorder writing into the server's data folder, at times the test chooses, logging into `lines`. */
function recorderFor(server: TestServer) {
  const store = new Store(server.dataDir);
  let now = new Date();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const recorder = new EventRecorder(new EventRepository(store), { now: () => now }, {
    subscriptions: new ResourceRepository<EventSubscriptionRecord>(store, 'event-subscription'),
    log,
  });
  return {
    store,
    lines,
    record(account: string, at: Date, e: ResourceEvent) {
      now = at;
      recorder.record({ account, region: 'us-east-1' }, e);
    },
  };
}

const instanceEvent = (id: string, category: string, message: string): ResourceEvent => ({
  sourceType: 'replication-instance',
  sourceIdentifier: id,
  sourceArn: `arn:aws:dms:us-east-1:123456789012:rep:${id.toUpperCase()}`,
  categories: [category],
  message,
});

describe('events', () => {
  let server: TestServer;
  let dms: DatabaseMigrationServiceClient;
  let rec: ReturnType<typeof recorderFor>;
  before(async () => {
    server = await startTestServer();
    dms = server.client();
    rec = recorderFor(server);
  });
  after(async () => {
    rec.store.close();
    await server.stop();
  });

  describe('DescribeEventCategories', () => {
    it('lists DMS categories per source type, as the CLI example shows them', async () => {
      const all = await dms.send(new DescribeEventCategoriesCommand({}));
      assert.deepEqual(all.EventCategoryGroupList, [
        { SourceType: 'replication-instance', EventCategories: ['low storage', 'configuration change', 'maintenance', 'deletion', 'creation', 'failover', 'failure'] },
        { SourceType: 'replication-task', EventCategories: ['configuration change', 'state change', 'deletion', 'creation', 'failure'] },
      ]);
      const task = await dms.send(new DescribeEventCategoriesCommand({ SourceType: 'replication-task' }));
      assert.deepEqual(task.EventCategoryGroupList?.map((g) => g.SourceType), ['replication-task']);
    });

    it('refuses an unknown source type and any filter', async () => {
      await assert.rejects(dms.send(new DescribeEventCategoriesCommand({ SourceType: 'endpoint' })), named('InvalidParameterValueException', /replication-instance \| replication-task/));
      await assert.rejects(
        dms.send(new DescribeEventCategoriesCommand({ Filters: [{ Name: 'source-type', Values: ['replication-task'] }] })),
        named('InvalidParameterValueException', /'source-type' is not valid for DescribeEventCategories/),
      );
    });
  });

  describe('DescribeEvents', () => {
    const account = '111122223333';
    let client: DatabaseMigrationServiceClient;
    const now = Date.now();
    before(() => {
      client = server.client({ accessKeyId: account });
      rec.record(account, new Date(now - 180 * minute), instanceEvent('inst-a', 'creation', 'Replication instance created'));
      rec.record(account, new Date(now - 90 * minute), instanceEvent('inst-a', 'configuration change', 'Replication instance class changed'));
      rec.record(account, new Date(now - 30 * minute), instanceEvent('inst-b', 'creation', 'Replication instance created'));
      rec.record(account, new Date(now - 5 * minute), {
        sourceType: 'replication-task', sourceIdentifier: 'task-1', sourceArn: 'arn:aws:dms:us-east-1:111122223333:task:T1', categories: ['state change'], message: 'Replication task started',
      });
    });
    const ids = (events: { SourceIdentifier?: string; EventCategories?: string[] }[] | undefined) =>
      (events ?? []).map((e) => `${e.SourceIdentifier}/${e.EventCategories?.join('+')}`);

    it('returns the last hour by default, oldest first, with every member', async () => {
      const out = await client.send(new DescribeEventsCommand({}));
      assert.deepEqual(ids(out.Events), ['inst-b/creation', 'task-1/state change']);
      const e = out.Events![0]!;
      assert.equal(e.SourceType, 'replication-instance');
      assert.equal(e.Message, 'Replication instance created');
      assert.ok(e.Date instanceof Date);
      assert.equal(e.Date.getTime(), now - 30 * minute);
      assert.equal(out.Marker, undefined);
    });

    it('reads Duration in minutes and StartTime/EndTime as a window', async () => {
      assert.deepEqual(ids((await client.send(new DescribeEventsCommand({ Duration: 120 }))).Events), ['inst-a/configuration change', 'inst-b/creation', 'task-1/state change']);
      const window = await client.send(new DescribeEventsCommand({ StartTime: new Date(now - 240 * minute), EndTime: new Date(now - 120 * minute) }));
      assert.deepEqual(ids(window.Events), ['inst-a/creation']);
      const fromStart = await client.send(new DescribeEventsCommand({ StartTime: new Date(now - 100 * minute), Duration: 80 }));
      assert.deepEqual(ids(fromStart.Events), ['inst-a/configuration change', 'inst-b/creation']);
      const beforeEnd = await client.send(new DescribeEventsCommand({ EndTime: new Date(now - 60 * minute), Duration: 150 }));
      assert.deepEqual(ids(beforeEnd.Events), ['inst-a/creation', 'inst-a/configuration change']);
      await assert.rejects(
        client.send(new DescribeEventsCommand({ StartTime: new Date(now), EndTime: new Date(now - minute) })),
        named('InvalidParameterValueException', /StartTime .* is after EndTime/),
      );
      await assert.rejects(client.send(new DescribeEventsCommand({ Duration: 0 })), named('InvalidParameterValueException', /Duration must be a positive/));
    });

    it('filters by categories, source type and identifier, and the replication-instance-id filter', async () => {
      const long = { Duration: 600 };
      assert.deepEqual(ids((await client.send(new DescribeEventsCommand({ ...long, EventCategories: ['creation'] }))).Events), ['inst-a/creation', 'inst-b/creation']);
      assert.deepEqual(
        ids((await client.send(new DescribeEventsCommand({ ...long, EventCategories: ['Configuration Change', 'state change'] }))).Events),
        ['inst-a/configuration change', 'task-1/state change'],
      );
      assert.deepEqual(ids((await client.send(new DescribeEventsCommand({ ...long, SourceType: 'replication-instance' }))).Events).length, 3);
      assert.deepEqual(ids((await client.send(new DescribeEventsCommand({ ...long, SourceIdentifier: 'INST-A' }))).Events), ['inst-a/creation', 'inst-a/configuration change']);
      assert.deepEqual(
        ids((await client.send(new DescribeEventsCommand({ ...long, Filters: [{ Name: 'replication-instance-id', Values: ['inst-b', 'task-1'] }] }))).Events),
        ['inst-b/creation'],
      );
      await assert.rejects(
        client.send(new DescribeEventsCommand({ Filters: [{ Name: 'source-id', Values: ['x'] }] })),
        named('InvalidParameterValueException', /only valid name is replication-instance-id/),
      );
      await assert.rejects(client.send(new DescribeEventsCommand({ EventCategories: ['bogus'] })), named('InvalidParameterValueException', /'bogus' is not an event category/));
      // Another account sees none of them.
      assert.deepEqual((await dms.send(new DescribeEventsCommand({ ...long, SourceIdentifier: 'inst-a' }))).Events, []);
    });

    it('pages with Marker and MaxRecords, stable while events are added', async () => {
      const acct = '444455556666';
      const paged = server.client({ accessKeyId: acct });
      for (let i = 0; i < 45; i++) rec.record(acct, new Date(now - 50 * minute + i), instanceEvent('inst-p', 'maintenance', `event ${i}`));
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateDescribeEvents({ client: paged, pageSize: 20 }, {})) {
        pages++;
        seen.push(...(page.Events ?? []).map((e) => e.Message!));
        // A newer event recorded mid-way shows up at the end, once, without shifting the pages.
        if (pages === 1) rec.record(acct, new Date(now - 40 * minute), instanceEvent('inst-p', 'maintenance', 'late'));
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, [...Array.from({ length: 45 }, (_, i) => `event ${i}`), 'late']);
      await assert.rejects(paged.send(new DescribeEventsCommand({ MaxRecords: 5 })), /MaxRecords must be between 20 and 100/);
      await assert.rejects(paged.send(new DescribeEventsCommand({ Marker: 'garbage' })), /not a marker returned by DescribeEvents/);
    });
  });

  describe('event subscriptions', () => {
    it('creates, describes, tags, modifies and deletes a subscription', async () => {
      const name = uniqueName('Subs');
      const created = (
        await dms.send(
          new CreateEventSubscriptionCommand({
            SubscriptionName: name,
            SnsTopicArn: topic,
            SourceType: 'replication-instance',
            EventCategories: ['Creation', 'deletion', 'creation'],
            Tags: [{ Key: 'team', Value: 'data' }],
          }),
        )
      ).EventSubscription!;
      assert.equal(created.CustSubscriptionId, name.toLowerCase());
      assert.equal(created.CustomerAwsId, '123456789012');
      assert.equal(created.SnsTopicArn, topic);
      assert.equal(created.Status, 'active');
      assert.equal(created.SourceType, 'replication-instance');
      assert.deepEqual(created.EventCategoriesList, ['creation', 'deletion']);
      assert.equal(created.SourceIdsList, undefined);
      assert.equal(created.Enabled, true);
      assert.match(created.SubscriptionCreationTime ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);

      const arn = `arn:aws:dms:us-east-1:123456789012:es:${name.toLowerCase()}`;
      await dms.send(new AddTagsToResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'env', Value: 'prod' }] }));
      const tags = await dms.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
      assert.deepEqual(tags.TagList?.map((t) => [t.Key, t.Value]).sort(), [['env', 'prod'], ['team', 'data']]);

      await assert.rejects(
        dms.send(new CreateEventSubscriptionCommand({ SubscriptionName: name, SnsTopicArn: topic })),
        (e: unknown) => e instanceof ResourceAlreadyExistsFault && e.resourceArn === arn,
      );

      const byName = await dms.send(new DescribeEventSubscriptionsCommand({ SubscriptionName: name.toUpperCase() }));
      assert.deepEqual(byName.EventSubscriptionsList, [created]);
      const byArn = await dms.send(new DescribeEventSubscriptionsCommand({ Filters: [{ Name: 'event-subscription-arn', Values: [arn] }] }));
      assert.deepEqual(byArn.EventSubscriptionsList?.map((s) => s.CustSubscriptionId), [name.toLowerCase()]);
      const byId = await dms.send(new DescribeEventSubscriptionsCommand({ Filters: [{ Name: 'event-subscription-id', Values: [name] }] }));
      assert.equal(byId.EventSubscriptionsList?.length, 1);

      const otherTopic = 'arn:aws:sns:us-east-1:123456789012:other_topic';
      const modified = (
        await dms.send(new ModifyEventSubscriptionCommand({ SubscriptionName: name, SnsTopicArn: otherTopic, Enabled: false, EventCategories: ['failover'] }))
      ).EventSubscription!;
      assert.equal(modified.SnsTopicArn, otherTopic);
      assert.equal(modified.Enabled, false);
      assert.deepEqual(modified.EventCategoriesList, ['failover']);
      assert.equal(modified.SubscriptionCreationTime, created.SubscriptionCreationTime);
      // 'failover' is no category of replication-task: changing the type alone is refused, with categories it works.
      await assert.rejects(
        dms.send(new ModifyEventSubscriptionCommand({ SubscriptionName: name, SourceType: 'replication-task' })),
        named('InvalidParameterValueException', /\(failover\) are not categories of replication-task/),
      );
      const retyped = (
        await dms.send(new ModifyEventSubscriptionCommand({ SubscriptionName: name, SourceType: 'replication-task', EventCategories: ['state change'] }))
      ).EventSubscription!;
      assert.equal(retyped.SourceType, 'replication-task');
      assert.deepEqual(retyped.EventCategoriesList, ['state change']);

      const deleted = (await dms.send(new DeleteEventSubscriptionCommand({ SubscriptionName: name }))).EventSubscription!;
      assert.equal(deleted.Status, 'deleting');
      assert.equal(deleted.CustSubscriptionId, name.toLowerCase());
      await assert.rejects(dms.send(new DescribeEventSubscriptionsCommand({ SubscriptionName: name })), ResourceNotFoundFault);
      await assert.rejects(dms.send(new DeleteEventSubscriptionCommand({ SubscriptionName: name })), ResourceNotFoundFault);
      await assert.rejects(dms.send(new ModifyEventSubscriptionCommand({ SubscriptionName: name, Enabled: true })), ResourceNotFoundFault);
      await assert.rejects(dms.send(new ListTagsForResourceCommand({ ResourceArn: arn })), ResourceNotFoundFault);
      await assert.rejects(
        dms.send(new DescribeEventSubscriptionsCommand({ Filters: [{ Name: 'event-subscription-arn', Values: [arn] }] })),
        (e: unknown) => e instanceof ResourceNotFoundFault && /matching provided filters/.test(e.message),
      );
    });

    it('checks the SNS topic ARN', async () => {
      for (const bad of ['my-sns-topic', 'arn:aws:sns:us-east-1:1234:short-account', 'arn:aws:sqs:us-east-1:123456789012:queue', 'arn:aws:sns:us-east-1:123456789012:bad name']) {
        await assert.rejects(
          dms.send(new CreateEventSubscriptionCommand({ SubscriptionName: uniqueName('bad-topic'), SnsTopicArn: bad })),
          (e: unknown) => e instanceof SNSInvalidTopicFault && e.message.includes(bad) && /arn:aws:sns:<region>:<12-digit account>:<topic name>/.test(e.message),
          bad,
        );
      }
      const name = uniqueName('topic');
      await dms.send(new CreateEventSubscriptionCommand({ SubscriptionName: name, SnsTopicArn: 'arn:aws-cn:sns:cn-north-1:123456789012:China_Topic-1' }));
      await assert.rejects(dms.send(new ModifyEventSubscriptionCommand({ SubscriptionName: name, SnsTopicArn: 'nope' })), SNSInvalidTopicFault);
      await dms.send(new DeleteEventSubscriptionCommand({ SubscriptionName: name }));
    });

    it('checks names, source types, categories and source ids', async () => {
      const create = (extra: Record<string, unknown>) =>
        dms.send(new CreateEventSubscriptionCommand({ SubscriptionName: uniqueName('chk'), SnsTopicArn: topic, ...extra }));
      await assert.rejects(create({ SubscriptionName: '9-starts-with-digit' }), named('InvalidParameterValueException', /SubscriptionName .* begin with a letter/));
      await assert.rejects(create({ SourceType: 'endpoint' }), named('InvalidParameterValueException', /SourceType 'endpoint' is not valid/));
      await assert.rejects(
        create({ SourceType: 'replication-instance', EventCategories: ['state change'] }),
        named('InvalidParameterValueException', /'state change' is not an event category of source type replication-instance/),
      );
      await assert.rejects(create({ EventCategories: ['nonsense'] }), named('InvalidParameterValueException', /of any source type/));
      await assert.rejects(create({ SourceIds: ['inst-a'] }), named('InvalidParameterCombinationException', /SourceIds need a SourceType/));
      await assert.rejects(
        create({ SourceType: 'replication-instance', SourceIds: ['no-such-instance'] }),
        (e: unknown) => e instanceof ResourceNotFoundFault && /Replication instance no-such-instance not found/.test(e.message),
      );
      // Without a SourceType, categories of any type are accepted.
      const any = (await create({ EventCategories: ['state change', 'low storage'], Enabled: false })).EventSubscription!;
      assert.deepEqual(any.EventCategoriesList, ['state change', 'low storage']);
      assert.equal(any.SourceType, undefined);
      assert.equal(any.Enabled, false);
      const tasks = (await create({ SourceType: 'replication-task', SourceIds: ['Task-One', 'task-one', 'task-two'] })).EventSubscription!;
      assert.deepEqual(tasks.SourceIdsList, ['task-one', 'task-two']);
      for (const s of [any, tasks]) await dms.send(new DeleteEventSubscriptionCommand({ SubscriptionName: s.CustSubscriptionId! }));
    });

    it('pages the subscription list and refuses unknown filters', async () => {
      const client = server.client({ accessKeyId: '777788889999' });
      const names: string[] = [];
      for (let i = 0; i < 25; i++) {
        names.push(`page-sub-${i}`);
        await client.send(new CreateEventSubscriptionCommand({ SubscriptionName: `page-sub-${i}`, SnsTopicArn: topic }));
      }
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateDescribeEventSubscriptions({ client, pageSize: 20 }, {})) {
        pages++;
        seen.push(...(page.EventSubscriptionsList ?? []).map((s) => s.CustSubscriptionId!));
      }
      assert.equal(pages, 2);
      assert.deepEqual(seen, names);
      await assert.rejects(
        client.send(new DescribeEventSubscriptionsCommand({ Filters: [{ Name: 'sns-topic-arn', Values: [topic] }] })),
        named('InvalidParameterValueException', /valid names: event-subscription-arn, event-subscription-id/),
      );
    });

    it('enforces the EventSubscriptions quota', async () => {
      const small = await startTestServer({ args: ['--quotas', 'EventSubscriptions=2'] });
      try {
        const client = small.client();
        await client.send(new CreateEventSubscriptionCommand({ SubscriptionName: 'q1', SnsTopicArn: topic }));
        await client.send(new CreateEventSubscriptionCommand({ SubscriptionName: 'q2', SnsTopicArn: topic }));
        await assert.rejects(
          client.send(new CreateEventSubscriptionCommand({ SubscriptionName: 'q3', SnsTopicArn: topic })),
          (e: unknown) => e instanceof ResourceQuotaExceededFault && /EventSubscriptions \(2\)/.test(e.message),
        );
      } finally {
        await small.stop();
      }
    });
  });

  describe('notices for matching subscriptions and the EventBridge move', () => {
    const account = '222233334444';
    let client: DatabaseMigrationServiceClient;
    before(async () => {
      client = server.client({ accessKeyId: account });
      const create = (name: string, extra: Record<string, unknown>) =>
        client.send(new CreateEventSubscriptionCommand({ SubscriptionName: name, SnsTopicArn: `arn:aws:sns:us-east-1:${account}:${name}-topic`, ...extra }));
      await create('all-events', {});
      await create('creations', { SourceType: 'replication-instance', EventCategories: ['creation'] });
      await create('task-only', { SourceType: 'replication-task' });
      await create('switched-off', { Enabled: false });
      await create('other-source', { SourceType: 'replication-task', SourceIds: ['task-9'] });
    });

    it('logs the topics an event would be published to, and delivers nothing', () => {
      rec.lines.length = 0;
      rec.record(account, new Date(), instanceEvent('inst-n', 'creation', 'Replication instance created'));
      const topics = rec.lines.map((l) => [l.level, l.subscription, l.msg]);
      assert.deepEqual(topics.sort(), [
        ['info', 'all-events', `event would be published to arn:aws:sns:us-east-1:${account}:all-events-topic (SNS delivery is not available in OpenDMS)`],
        ['info', 'creations', `event would be published to arn:aws:sns:us-east-1:${account}:creations-topic (SNS delivery is not available in OpenDMS)`],
      ]);
      assert.equal(rec.lines[0]!.sourceIdentifier, 'inst-n');
      // A different account's event concerns none of these subscriptions.
      rec.lines.length = 0;
      rec.record('555555555555', new Date(), instanceEvent('inst-n', 'creation', 'x'));
      assert.deepEqual(rec.lines, []);
    });

    it('marks up to 10 active, enabled subscriptions per call as moved to EventBridge', async () => {
      for (let i = 0; i < 8; i++) await client.send(new CreateEventSubscriptionCommand({ SubscriptionName: `more-${i}`, SnsTopicArn: topic }));
      // 12 active and enabled (switched-off is not): 10 now, 2 next time, then none.
      const first = await client.send(new UpdateSubscriptionsToEventBridgeCommand({}));
      assert.match(first.Result ?? '', /^10 event subscription\(s\) marked as moved to Amazon EventBridge, 2 remaining to be migrated\. OpenDMS has no EventBridge: no rules were created/);
      const second = await client.send(new UpdateSubscriptionsToEventBridgeCommand({ ForceMove: true }));
      assert.match(second.Result ?? '', /^2 event subscription\(s\) marked .*, 0 remaining/);
      const third = await client.send(new UpdateSubscriptionsToEventBridgeCommand({}));
      assert.match(third.Result ?? '', /^0 event subscription\(s\) marked/);
      // Moved subscriptions are no longer SNS targets.
      rec.lines.length = 0;
      rec.record(account, new Date(), instanceEvent('inst-n', 'creation', 'again'));
      assert.deepEqual(rec.lines, []);
    });
  });

  describe('events of real replication instances', () => {
    it('finds the creation events of a new instance, and the app logs the subscription it would notify', async () => {
      // An app of its own, to read what its EventRecorder logs.
      const dataDir = mkdtempSync(join(tmpdir(), 'opendms-events-'));
      const lines: Record<string, unknown>[] = [];
      const app = await startApp(loadConfig(['--port', '0', '--data-dir', dataDir, '--provisioning-delay-ms', '200'], {}), {
        log: createLogger('info', (l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
      });
      const client = new DatabaseMigrationServiceClient({
        endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'test-secret' }, maxAttempts: 1,
      });
      try {
        const id = 'events-inst';
        await client.send(new CreateEventSubscriptionCommand({ SubscriptionName: 'inst-creation', SnsTopicArn: topic, SourceType: 'replication-instance', EventCategories: ['creation'] }));
        await client.send(new CreateReplicationInstanceCommand({ ReplicationInstanceIdentifier: id, ReplicationInstanceClass: 'dms.t3.micro' }));
        await waitUntilReplicationInstanceAvailable({ client, maxWaitTime: 30, minDelay: 1 }, { Filters: [{ Name: 'replication-instance-id', Values: [id] }] });
        const out = await client.send(new DescribeEventsCommand({ SourceType: 'replication-instance', SourceIdentifier: id, EventCategories: ['creation'] }));
        assert.deepEqual(out.Events?.map((e) => [e.SourceIdentifier, e.SourceType, e.EventCategories, e.Message]), [
          [id, 'replication-instance', ['creation'], 'A replication instance is being created.'],
          [id, 'replication-instance', ['creation'], 'A replication instance is created.'],
        ]);
        assert.ok(out.Events!.every((e) => e.Date instanceof Date && Math.abs(e.Date.getTime() - Date.now()) < 60_000));
        const notices = lines.filter((l) => l.component === 'events' && l.subscription === 'inst-creation');
        assert.equal(notices.length, 2);
        assert.equal(notices[0]!.msg, `event would be published to ${topic} (SNS delivery is not available in OpenDMS)`);
        // SourceIds naming an existing instance are accepted.
        const oneInstance = await client.send(
          new CreateEventSubscriptionCommand({ SubscriptionName: 'one-instance', SnsTopicArn: topic, SourceType: 'replication-instance', SourceIds: [id.toUpperCase()] }),
        );
        assert.deepEqual(oneInstance.EventSubscription?.SourceIdsList, [id]);
      } finally {
        client.destroy();
        await app.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('pure rules', () => {
    const sub = (s: Partial<MatchableSubscription>): MatchableSubscription => ({ enabled: true, sourceIds: [], eventCategories: [], ...s });
    const event = { sourceType: 'replication-instance', sourceIdentifier: 'inst-a', categories: ['creation'] };

    it('matches subscriptions by enabled, source type, source id and category', () => {
      assert.equal(subscriptionMatches(sub({}), event), true);
      assert.equal(subscriptionMatches(sub({ enabled: false }), event), false);
      assert.equal(subscriptionMatches(sub({ movedToEventBridgeAt: '2024-01-01T00:00:00.000Z' }), event), false);
      assert.equal(subscriptionMatches(sub({ sourceType: 'replication-instance' }), event), true);
      assert.equal(subscriptionMatches(sub({ sourceType: 'replication-task' }), event), false);
      assert.equal(subscriptionMatches(sub({ sourceType: 'replication-instance', sourceIds: ['inst-b', 'INST-A'] }), event), true);
      assert.equal(subscriptionMatches(sub({ sourceType: 'replication-instance', sourceIds: ['inst-b'] }), event), false);
      assert.equal(subscriptionMatches(sub({ eventCategories: ['deletion', 'creation'] }), event), true);
      assert.equal(subscriptionMatches(sub({ eventCategories: ['deletion'] }), event), false);
      assert.equal(subscriptionMatches(sub({ eventCategories: ['creation'] }), { ...event, categories: [] }), false);
    });

    it('resolves the DescribeEvents time window', () => {
      const now = new Date('2024-05-01T12:00:00Z');
      const t = (iso: string) => new Date(iso).getTime();
      assert.deepEqual(eventWindow({}, now), { fromMs: t('2024-05-01T11:00:00Z'), toMs: t('2024-05-01T12:00:00Z') });
      assert.deepEqual(eventWindow({ Duration: 30 }, now), { fromMs: t('2024-05-01T11:30:00Z'), toMs: now.getTime() });
      assert.deepEqual(eventWindow({ StartTime: new Date('2024-05-01T08:00:00Z') }, now), { fromMs: t('2024-05-01T08:00:00Z'), toMs: now.getTime() });
      assert.deepEqual(eventWindow({ StartTime: new Date('2024-05-01T08:00:00Z'), Duration: 15 }, now), { fromMs: t('2024-05-01T08:00:00Z'), toMs: t('2024-05-01T08:15:00Z') });
      assert.deepEqual(eventWindow({ EndTime: new Date('2024-05-01T08:00:00Z') }, now), { fromMs: t('2024-05-01T07:00:00Z'), toMs: t('2024-05-01T08:00:00Z') });
      const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;
      assert.throws(() => eventWindow({ StartTime: now, EndTime: now, Duration: 5 }, now), code('InvalidParameterCombinationException'));
      assert.throws(() => eventWindow({ StartTime: now, EndTime: new Date(now.getTime() - 1) }, now), code('InvalidParameterValueException'));
    });

    it('knows which engine versions support EventBridge', () => {
      assert.equal(supportsEventBridge('3.4.5'), true);
      assert.equal(supportsEventBridge('3.5.3'), true);
      assert.equal(supportsEventBridge('3.4.4'), false);
      assert.equal(supportsEventBridge('3.3.4'), false);
      assert.equal(supportsEventBridge('3.4'), false);
    });
  });
});
