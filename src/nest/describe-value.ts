/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'a function';
  if (typeof value === 'object') {
    const ctor = (value as object).constructor;
    return typeof ctor === 'function' && ctor !== Object ? `an instance of ${ctor.name}` : 'an object';
  }
  return String(value);
}
