// Registry of measured agents. To measure another agent (e.g. our own), add an
// entry file under agents/ that reads window.__BENCH__.collector, and a line here.
export const AGENTS = [
  { name: 'none', label: 'no agent (baseline)', pkg: null, entry: null },
  { name: 'rrweb', label: 'rrweb record (raw JSON shipper)', pkg: 'rrweb', entry: 'agents/rrweb.js' },
  { name: 'rrweb-gzip', label: 'rrweb record + CompressionStream gzip', pkg: 'rrweb', entry: 'agents/rrweb-gzip.js' },
  { name: 'sentry', label: '@sentry/browser replay+tracing', pkg: '@sentry/browser', entry: 'agents/sentry.js' },
  { name: 'posthog', label: 'posthog-js + session recording', pkg: 'posthog-js', entry: 'agents/posthog.js' },
  { name: 'highlight', label: 'highlight.run', pkg: 'highlight.run', entry: 'agents/highlight.js' },
  { name: 'openreplay', label: '@openreplay/tracker', pkg: '@openreplay/tracker', entry: 'agents/openreplay.js' },
  { name: 'hyperdx', label: '@hyperdx/browser', pkg: '@hyperdx/browser', entry: 'agents/hyperdx.js' },
  { name: 'retrospect', label: '@retrospect/browser (ours)', pkg: '@retrospect/browser', entry: 'agents/retrospect.js' },
];
