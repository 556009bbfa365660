/** Thrown by a command for a usage problem (bad flag value, missing file argument): exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
