// Loaded with `node --require @retrospect/node/register app.js`: starts tracing before the app's own modules load.
import { startRetrospect } from './start-retrospect';

startRetrospect();
