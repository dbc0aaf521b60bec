/** Plain objects in parsed JSON: what a payload or a stored record must be before its fields are read. */
export type JsonObject = Record<string, unknown>;

/** An object, not null and not an array. */
export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
