/** DMS's identifier rules (instances, endpoints, tasks, subnet groups, certificates ...). */
import { invalidParameter } from '../../common/errors.js';

/**
 * Checks an identifier against DMS's rule: 1 to `max` ASCII letters, digits and hyphens,
 * starting with a letter, not ending with a hyphen, no two consecutive hyphens.
 */
export function checkIdentifier(member: string, value: string, max = 255): string {
  if (
    value.length < 1 || value.length > max || !/^[A-Za-z][A-Za-z0-9-]*$/.test(value) || value.endsWith('-') || value.includes('--')
  ) {
    throw invalidParameter(
      `${member} '${value}' is not valid: it must contain 1 to ${max} ASCII letters, digits and hyphens, begin with a letter, and neither end with a hyphen nor contain two consecutive hyphens.`,
    );
  }
  return value;
}
