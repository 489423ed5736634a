#!/usr/bin/env node
/**
 * `mlc`: the operator's command line over an `mlc.config` file. See `mlc --help` and the package README.
 */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (error: unknown) => {
    console.error(`mlc: ${error instanceof Error ? error.message : String(error)}`);
    exit(1);
  },
);

/** Exits once stdout has drained (idle keep-alive sockets or a store pool must not keep the process up). */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}
