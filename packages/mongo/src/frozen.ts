/**
 * Freezes a value and everything inside it. For the in-memory stores that `openStore` picks when
 * there is no MongoDB: they hand out what they hold instead of copies, and frozen, a caller that
 * changed it would throw rather than change the store (a frozen Date can still be set; nothing
 * here sets one).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
