/**
 * The ready CDK app: one `OktaConnector` stack, settings from `cdk.json` context or the environment
 * (`app-settings.ts`), checked by cdk-nag's AwsSolutions and Serverless packs, which fail the synth on any finding
 * that is not acknowledged with a reason. The stack is environment-agnostic and looks nothing up, so
 * `npx cdk synth` needs neither AWS credentials nor a network.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { readAppSettings } from './app-settings.js';
import { OktaConnector } from './okta-connector.js';

/**
 * Builds the app (exported for the tests); `app.synth()` or the CDK CLI synthesizes it. `nagChecks: false` leaves the
 * packs out of the synth, for tests that read the template and run the packs themselves.
 */
export function buildApp(
  app: App = new App(),
  options: { nagChecks?: boolean } = {},
): { app: App; stack: Stack; connector: OktaConnector } {
  const settings = readAppSettings((key) => app.node.tryGetContext(key));
  const stack = new Stack(app, settings.stackName, {
    description: 'okta-connector: Okta actions, event hooks, System Log polling and searches into EventBridge',
  });
  const connector = new OktaConnector(stack, 'OktaConnector', settings.connector);
  if (options.nagChecks ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack, connector };
}

// Run as a script (the CDK CLI through cdk.json), not when a test imports buildApp.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  buildApp().app.synth();
}
