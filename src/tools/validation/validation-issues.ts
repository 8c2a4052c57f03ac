import type { ValidationError } from 'class-validator';
import type { ArgumentIssue } from '../errors.js';
import { joinPath } from './field-path.js';

/**
 * Flattens class-validator's error tree into one issue per failed constraint, each with the field
 * path (`items[2].qty`) and a message that names the constraint, e.g.
 * `must not be less than 1 (min)`.
 */
export function issuesFromValidationErrors(errors: readonly ValidationError[], parentPath = ''): ArgumentIssue[] {
  const issues: ArgumentIssue[] = [];
  for (const error of errors) {
    const path = error.property === undefined ? parentPath : joinPath(parentPath, Array.isArray(error.target) ? Number(error.property) : error.property);
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      issues.push({ path, message: describeConstraint(error, constraint, message) });
    }
    if (error.children && error.children.length > 0) issues.push(...issuesFromValidationErrors(error.children, path));
  }
  return issues;
}

function describeConstraint(error: ValidationError, constraint: string, message: string): string {
  if (constraint === 'unknownValue') return 'must be an object with the declared properties (unknownValue)';
  return `${withoutPropertyName(message, error.property)} (${constraint})`;
}

/** class-validator's default messages start with the property name, which the path already gives. */
function withoutPropertyName(message: string, property: string | undefined): string {
  if (property === undefined) return message;
  if (message.startsWith(`${property} `)) return message.slice(property.length + 1);
  if (message.startsWith(`each value in ${property} `)) return `each item ${message.slice(`each value in ${property} `.length)}`;
  if (message.startsWith(`nested property ${property} `)) return message.slice(`nested property ${property} `.length);
  return message;
}
