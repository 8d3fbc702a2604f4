/** An event subscription (SNS notifications for resource events). */
export interface EventSubscriptionRecord {
  /** arn:aws:dms:<region>:<account>:es:<name>, so the tag operations find it. */
  readonly arn: string;
  /** The subscription name, stored lowercase as DMS stores its identifiers. */
  readonly identifier: string;
  readonly customerAwsId: string;
  readonly snsTopicArn: string;
  readonly status: string;
  /** A plain string in the model, e.g. "2020-05-21 22:28:51.924" (UTC). */
  readonly createdAt: string;
  /** Absent: events of every source type. */
  readonly sourceType?: string;
  /** Lowercase source identifiers; empty: every source of the type. */
  readonly sourceIds: readonly string[];
  /** DMS's lower-case category names; empty: every category. */
  readonly eventCategories: readonly string[];
  readonly enabled: boolean;
  /**
   * When UpdateSubscriptionsToEventBridge marked it (ISO time). DMS then notifies through
   * EventBridge rules instead of SNS; OpenDMS has neither, so it only stops the SNS log line.
   */
  readonly movedToEventBridgeAt?: string;
}
