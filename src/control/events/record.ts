/** An event subscription (SNS notifications for resource events). */
export interface EventSubscriptionRecord {
  readonly arn: string;
  /** The subscription name. */
  readonly identifier: string;
  readonly customerAwsId: string;
  readonly snsTopicArn: string;
  readonly status: string;
  /** A plain string in the model, e.g. "2020-05-21 22:28:51.924". */
  readonly createdAt: string;
  readonly sourceType?: string;
  readonly sourceIds: readonly string[];
  readonly eventCategories: readonly string[];
  readonly enabled: boolean;
}
