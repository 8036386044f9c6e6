/** A range of System Log time, as the bounded queries and the searches use it. */
export interface TimeRange {
  /** Inclusive, ISO 8601. */
  since: string;
  /** Exclusive, ISO 8601. */
  until: string;
}
