// Every test starts from the same environment: no AWS credentials from the machine, no real endpoints.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.POWERTOOLS_DEV ??= 'false';
// The AWS SDK's own switch for its notice that it will require Node 22 from 2027 (nine lines per test file on
// Node 20); child processes the tests start inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import './support/quiet-output.js';
import './support/leak-check.js';
