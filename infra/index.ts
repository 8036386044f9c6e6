/**
 * The connector as a CDK construct for your own app:
 *
 *   import { OktaConnector } from 'okta-connector/infra';
 *   new OktaConnector(stack, 'Okta', { connections: ['acme'], defaultConnection: 'acme' });
 *
 * The package ships TypeScript sources (no build step), so the app that imports it runs through a TypeScript
 * loader such as tsx, as `cdk.json` here does (`npx tsx infra/app.ts`).
 */
export { OktaConnector } from './okta-connector.js';
export type {
  ApiAuthSetting,
  BusSetting,
  OktaConnectorProps,
  ResolvedSettings,
  SearchSetting,
} from './okta-connector-props.js';
export { resolveSettings } from './okta-connector-props.js';
export { ConnectorFunction } from './connector-function.js';
export { OnboardingExample } from './onboarding-example.js';
