const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every id the hub hands out is a UUID. Checking the shape before a lookup turns a malformed id
 * into a plain 404 instead of a PostgreSQL "invalid input syntax for type uuid" error.
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
