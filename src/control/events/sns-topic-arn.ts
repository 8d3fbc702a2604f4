/**
 * The form of an SNS topic ARN. OpenDMS cannot ask SNS whether the topic exists or lets DMS
 * publish, so it checks what it can: the ARN's form.
 */
import { SNSInvalidTopicFault } from '../../api/generated/errors.js';

const topicArnRe = /^arn:aws(-cn|-us-gov|-iso|-iso-b)?:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;

export function checkSnsTopicArn(arn: string): string {
  if (!topicArnRe.test(arn)) {
    throw new SNSInvalidTopicFault(
      `SnsTopicArn '${arn}' is not a valid Amazon SNS topic ARN: it must look like arn:aws:sns:<region>:<12-digit account>:<topic name>, with a topic name of 1 to 256 letters, digits, hyphens and underscores. Create the topic in Amazon SNS and pass the ARN it returns.`,
    );
  }
  return arn;
}
