#!/usr/bin/env node
// Placeholder until the demo issue lands: the demo runs a full sync between the two simulators.
console.error('The demo is not built yet (see the demo issue). Run `npm test` for the test suite.');
process.exit(1);
