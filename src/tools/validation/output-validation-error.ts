import { issueLines, type ArgumentIssue } from '../errors.js';
import { brandError, ChatCmplError } from '../../errors/chat-cmpl-error.js';

/**
 * The model's final answer is not valid JSON or does not validate against the output class. The
 * message names every failing field path and constraint; `issues` has them as data.
 */
export class OutputValidationError extends ChatCmplError {
  static {
    brandError(this, 'OutputValidationError');
  }
  constructor(
    /** The output class's name. */
    readonly className: string,
    /** Every problem found. */
    readonly issues: readonly ArgumentIssue[],
    options?: { cause?: unknown },
  ) {
    super(`The output does not match ${className}:\n${issueLines(issues, '(output)')}`, options);
  }
}
