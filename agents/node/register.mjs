// Loaded with `node --import @retrospect/node/register app.mjs`. ES modules are instrumented through a
// loader hook that must be registered before the SDK starts; the message channel limits the hook to
// the modules an instrumentation asked for, so the rest of the application loads untouched.
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

const { startRetrospect } = await import('./dist/index.js');
startRetrospect();
await waitForAllMessagesAcknowledged();
