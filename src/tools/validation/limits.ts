/**
 * Bounds on what a model may send, checked before any parsing work that grows with the input: a
 * call beyond them fails with a `ToolArgumentsError` that says which limit was hit.
 */
export const TOOL_ARGUMENT_LIMITS = Object.freeze({
  /** Longest `arguments` string accepted, in UTF-16 code units (about 1 MB of ASCII JSON). */
  maxLength: 1_000_000,
  /** Deepest nesting of objects and arrays accepted (the arguments object itself is depth 1). */
  maxDepth: 64,
});
