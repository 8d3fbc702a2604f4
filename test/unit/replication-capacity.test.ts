/** Serverless capacity: DCUs from the source's size between Min and Max, and the parallelism they allow. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { capacityFor, capacityForWorkload, changesPerSecondPerUnit, newProvisioningFor, parallelismFor } from '../../src/control/replications/capacity.js';

const GiB = 1024 ** 3;

it('provisions one DCU per started GiB, rounded up to a DCU value, between Min and Max', () => {
  assert.equal(capacityFor(0, { min: 1, max: 384 }), 1);
  assert.equal(capacityFor(1.5 * GiB, { min: 1, max: 384 }), 2);
  assert.equal(capacityFor(5 * GiB, { min: 1, max: 384 }), 8);
  assert.equal(capacityFor(170 * GiB, { min: 1, max: 384 }), 192);
  assert.equal(capacityFor(5 * GiB, { min: 1, max: 4 }), 4, 'capped by MaxCapacityUnits');
  assert.equal(capacityFor(0, { min: 16, max: 32 }), 16, 'at least MinCapacityUnits');
  assert.equal(capacityFor(10_000 * GiB, { min: 1, max: 384 }), 384);
});

it('bounds the run parallelism by the provisioned units and MaxFullLoadSubTasks', () => {
  assert.equal(parallelismFor(1, 8), 1);
  assert.equal(parallelismFor(2, 8), 2);
  assert.equal(parallelismFor(4, 8), 4);
  assert.equal(parallelismFor(64, 8), 8);
  assert.equal(parallelismFor(16, 49), 16);
});

it('sizes for the change rate too: the larger of what the data and the changes need, between Min and Max', () => {
  const bounds = { min: 1, max: 16 };
  assert.equal(changesPerSecondPerUnit, 500);
  assert.equal(capacityForWorkload({ totalBytes: 0, changesPerSecond: 0 }, bounds), 1);
  assert.equal(capacityForWorkload({ totalBytes: 0, changesPerSecond: 500 }, bounds), 1);
  assert.equal(capacityForWorkload({ totalBytes: 0, changesPerSecond: 501 }, bounds), 2);
  assert.equal(capacityForWorkload({ totalBytes: 0, changesPerSecond: 1800 }, bounds), 4, '4 DCU, rounded up to a DCU value');
  assert.equal(capacityForWorkload({ totalBytes: 5 * GiB, changesPerSecond: 100 }, bounds), 8, 'the data needs more than the changes');
  assert.equal(capacityForWorkload({ totalBytes: 0, changesPerSecond: 1_000_000 }, bounds), 16, 'capped by MaxCapacityUnits');
  assert.equal(capacityForWorkload({ totalBytes: 0, changesPerSecond: 0 }, { min: 4, max: 8 }), 4, 'at least MinCapacityUnits');
});

it('offers a new provisioning while running only when the computed capacity differs, saying why', () => {
  const bounds = { min: 1, max: 16 };
  assert.equal(newProvisioningFor(1, { totalBytes: 0, changesPerSecond: 10 }, bounds), undefined, 'a quiet replication keeps its capacity');
  assert.equal(newProvisioningFor(4, { totalBytes: 0, changesPerSecond: 1800 }, bounds), undefined, 'the provisioned capacity fits');

  const up = newProvisioningFor(1, { totalBytes: 0, changesPerSecond: 1800 }, bounds);
  assert.equal(up?.units, 4);
  assert.match(up!.reason, /^Peak change rate 1800\/s needs 4 DCU/);
  assert.match(up!.reason, /instead of the 1 DCU provisioned/);
  assert.match(up!.reason, /next started/);

  const down = newProvisioningFor(8, { totalBytes: 0.5 * GiB, changesPerSecond: 2 }, bounds);
  assert.equal(down?.units, 1, 'an idle replication is offered less');
  assert.match(down!.reason, /Peak change rate 2\/s needs 1 DCU/);

  assert.equal(newProvisioningFor(16, { totalBytes: 0, changesPerSecond: 1_000_000 }, bounds), undefined, 'already at MaxCapacityUnits');
  assert.equal(newProvisioningFor(4, { totalBytes: 0, changesPerSecond: 0 }, { min: 4, max: 8 }), undefined, 'already at MinCapacityUnits');
});
