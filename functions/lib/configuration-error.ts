/**
 * A setting of the deployment is missing or malformed. Thrown at cold start (or by the first call that needs the
 * setting), it names the variable and the problem, never a secret; a caller sees it as an `InternalError`. Its own
 * module so that the readers of composite settings (search-settings.ts) and config.ts can both throw it.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Configuration: ${variable} ${problem}`);
  }
}
