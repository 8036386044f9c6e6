/**
 * What a CDK app needs of the connector beside the construct: the action names (to pick a function from
 * `OktaConnector.actionFunctions`), the error types a Step Functions `Retry` or `Catch` matches (docs/CONTRACT.md
 * §2), and the format of the events on the bus (docs/CONTRACT.md §3), for rules and for code that reads them.
 */
import { actions, type ActionName } from '../functions/catalog.js';
import { httpStatusOf, type ErrorType } from '../functions/lib/errors.js';
import { MARK_FIELD, type ConnectorMark, type LogEvent } from '../functions/lib/events/event-format.js';
import { SEARCH_RESULTS_DETAIL_TYPE, type SearchResultsHeader } from '../functions/lib/events/search-results.js';

export type { ActionName } from '../functions/catalog.js';
export type { ErrorType } from '../functions/lib/errors.js';
export type { ConnectorMark, LogEvent, Trigger } from '../functions/lib/events/event-format.js';
// The package's published names, kept as they are: renaming an export would break its users' code.
/* eslint-disable @typescript-eslint/naming-convention */
export const markField = MARK_FIELD;
export const searchResultsDetailType = SEARCH_RESULTS_DETAIL_TYPE;
/* eslint-enable @typescript-eslint/naming-convention */

/** Every action's name, in the catalog's order. */
export const actionNames: readonly ActionName[] = actions.map((spec) => spec.name);

/** Every error type an action or trigger fails with; a thrown error's `name` is one of them. */
export const errorTypes = Object.keys(httpStatusOf) as readonly ErrorType[];

/** The error types worth a `Retry`: Okta or the connector may answer later. */
export const retryableErrorTypes: readonly ErrorType[] = ['OktaRateLimited', 'OktaUnavailable', 'InternalError'];

/** The `detail` of an event published for one System Log event: the LogEvent unchanged, plus the connector's mark. */
export type OktaEventDetail = LogEvent & { [MARK_FIELD]: ConnectorMark };

/** The `detail` of an "Okta Event Search Results" event: one part of one window's results. */
export interface SearchResultsDetail extends SearchResultsHeader {
  /** How many events the window holds, over all parts. */
  count: number;
  /** This part's events (a too large one trimmed, its `okta-connector.trimmed` listing the fields). */
  events: LogEvent[];
  /** This part's number, from 1 to `parts`. */
  part: number;
  /** How many parts the window's results were split into. */
  parts: number;
}
