// (h) @retrospect/browser, README setup: replay batches and client spans to the collector,
// trace headers on the page's own requests (same origin by default), inputs masked.
import { init } from '@retrospect/browser';

init({ endpoint: window.__BENCH__.collector + '/retrospect', service: 'bench-shop' });
