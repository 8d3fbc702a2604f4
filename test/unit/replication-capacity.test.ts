/** Serverless capacity: DCUs from the source's size between Min and Max, and the parallelism they allow. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { capacityFor, parallelismFor } from '../../src/control/replications/capacity.js';

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
