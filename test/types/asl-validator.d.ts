// asl-validator ships no declarations; this is the part of its API the tests use.
declare module 'asl-validator' {
  interface ValidationResult {
    isValid: boolean;
    errors: Array<{ 'Error code': string; Message: string }>;
  }
  export default function validator(definition: unknown, options?: Record<string, unknown>): ValidationResult;
}
