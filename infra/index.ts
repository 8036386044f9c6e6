/**
 * The package's public surface (`import { OktaConnector } from 'okta-connector'`): the construct and its props,
 * the onboarding example, and the catalog's names a CDK app uses (action names, error types, the event format).
 * Compiled to dist/ by `npm run build`; the functions themselves are bundled by esbuild at synth from the
 * package's TypeScript sources in functions/.
 */
export { OktaConnector } from './okta-connector.js';
export type {
  ApiAuthSetting,
  BusSetting,
  EventHookRegistrationSetting,
  KmsSigningKeySetting,
  KmsSigningKeySpec,
  OktaConnectorProps,
  ResolvedSettings,
  SearchSetting,
} from './okta-connector-props.js';
export { resolveSettings } from './okta-connector-props.js';
export { ConnectorFunction } from './connector-function.js';
export type { ConnectorFunctionProps, SecretAccess, TableAction } from './connector-function.js';
export { EventHookFrontDoor } from './event-hook-front-door.js';
export type { EventHookFrontDoorProps, EventHookFrontDoorSetting } from './event-hook-front-door.js';
export { OnboardingExample } from './onboarding-example.js';
export type { OnboardingExampleProps } from './onboarding-example.js';
export * from './catalog-types.js';
