import type { ArgumentIssue } from '../errors.js';
import { joinPath } from './field-path.js';

/** Keys that could reach an object's prototype machinery when copied onto a class instance. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The outcome of {@link guardPlain}. */
export interface GuardResult {
  /** Problems found; the forbidden keys named here have been removed from the value. */
  readonly issues: ArgumentIssue[];
  /** The value nests deeper than allowed; nothing beyond the limit was looked at. */
  readonly tooDeep: boolean;
}

/**
 * Checks parsed JSON before it is copied into class instances: nesting within `maxDepth`, and no
 * `__proto__` / `constructor` / `prototype` keys at any level (each is reported and deleted, so
 * nothing downstream ever sees one).
 */
export function guardPlain(value: unknown, maxDepth: number): GuardResult {
  const issues: ArgumentIssue[] = [];
  let tooDeep = false;
  const visit = (node: unknown, path: string, depth: number): void => {
    if (typeof node !== 'object' || node === null || tooDeep) return;
    if (depth > maxDepth) {
      tooDeep = true;
      issues.push({ path, message: `nested more than ${maxDepth} levels deep; send flatter arguments` });
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node[i], joinPath(path, i), depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (FORBIDDEN_KEYS.has(key)) {
        delete record[key];
        issues.push({ path: joinPath(path, key), message: 'this key is not allowed (reserved name); remove it' });
      } else {
        visit(record[key], joinPath(path, key), depth + 1);
      }
    }
  };
  visit(value, '', 1);
  return { issues, tooDeep };
}
