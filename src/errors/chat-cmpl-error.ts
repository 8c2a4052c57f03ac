// A leaf module: it imports nothing from the library, so every module (and both builds) can depend on it.

/** Prefix of the registry keys (`Symbol.for`) that brand the library's error classes. */
const BRAND_PREFIX = 'chat-cmpl-stream-handler.error.';

/** The brand of each registered class of this copy of the package (its own registration, not a parent's). */
const brands = new WeakMap<abstract new (...args: never[]) => unknown, symbol>();

/**
 * Base of every error this library throws. `instanceof` works across two copies of the package in
 * one process (the CommonJS and the ESM build, or two installed versions): each error class carries
 * a brand from the global symbol registry on its prototype, and `instanceof` checks the brand
 * through the prototype chain, so `error instanceof ToolCallError` holds for a `ToolCallError` of
 * either copy and `error instanceof RunError` for any of its subclasses. `name` is the class name
 * (`'ToolCallError'`), except `RunAbortedError`, whose name is `'AbortError'`.
 *
 * Subclasses you declare yourself behave like ordinary classes: `instanceof` them compares
 * prototypes, and their `name` is their class name; `instanceof` the library's classes still matches
 * them through their parent's brand.
 */
export abstract class ChatCmplError extends Error {
  static {
    brandError(this, 'ChatCmplError');
  }

  /** True when `value` is an instance of this class (or a subclass) from any copy of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const brand = brands.get(this);
    if (brand === undefined) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (typeof value === 'object' || typeof value === 'function') && value !== null && brand in value;
  }

  /** Same as `Error`'s constructor; `options.cause` becomes `cause`. */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // Registered classes have their name on the prototype (a literal, so it survives minifiers);
    // a user's subclass gets its own class name.
    if (!brands.has(new.target)) {
      Object.defineProperty(this, 'name', { value: new.target.name, writable: true, configurable: true, enumerable: false });
    }
  }
}

/**
 * Registers one of the library's error classes (call it in the class's `static {}` block): puts the
 * shared brand `Symbol.for('chat-cmpl-stream-handler.error.<brand>')` and the `name` on its prototype.
 * `brand` must be the class name and unique in the library; `name` defaults to it.
 *
 * @internal
 */
export function brandError(errorClass: abstract new (...args: never[]) => Error, brand: string, name: string = brand): void {
  const symbol = Symbol.for(BRAND_PREFIX + brand);
  brands.set(errorClass, symbol);
  Object.defineProperty(errorClass.prototype, symbol, { value: true });
  Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true, enumerable: false });
}
