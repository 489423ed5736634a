#!/usr/bin/env node
/**
 * `mlc-testkit`: runs the simulators out of process, for a downstream team's own integration tests or a demo.
 *
 *   mlc-testkit sage-x3 [--port 8124] [--seed 42] [--size small] [--options file.json]
 *   mlc-testkit powerbi [--port 0] [--time-scale 60] [--seed 1] [--options file.json]
 *   mlc-testkit all     (both, with the flags above prefixed: --x3-port, --pbi-port, ...)
 *
 * On start it prints one JSON line per simulator with its URLs and the credentials a client needs, then serves
 * until SIGINT/SIGTERM. `--options` reads the full option object (plain JSON) of the simulator.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startPowerBISimulator } from './powerbi/start-powerbi-simulator.js';
import type { PowerBISimulatorOptions } from './powerbi/options.js';
import type { SageX3SimulatorOptions, SageX3SizePreset } from './sage-x3/options.js';
import { startSageX3Simulator } from './sage-x3/server/start-sage-x3-simulator.js';

const USAGE = `Usage: mlc-testkit <sage-x3|powerbi|all> [options]

Options (sage-x3):  --port N  --host H  --seed N  --size tiny|small|medium|large  --options FILE.json
Options (powerbi):  --port N  --host H  --seed N  --time-scale N  --options FILE.json
For "all", prefix with x3- or pbi-: --x3-port, --x3-size, --pbi-port, --pbi-time-scale, ...`;

function readJson(file: string | undefined): Record<string, unknown> {
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
}

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${flag} must be a number (got "${value}")`);
  return n;
}

function x3Options(values: Record<string, string | undefined>, prefix: string): SageX3SimulatorOptions {
  const options = readJson(values[`${prefix}options`]) as SageX3SimulatorOptions;
  const port = int(values[`${prefix}port`], `--${prefix}port`);
  const seed = int(values[`${prefix}seed`], `--${prefix}seed`);
  return {
    ...options,
    ...(port !== undefined ? { port } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(values[`${prefix}host`] ? { host: values[`${prefix}host`] } : {}),
    ...(values[`${prefix}size`] ? { size: values[`${prefix}size`] as SageX3SizePreset } : {}),
  };
}

function pbiOptions(values: Record<string, string | undefined>, prefix: string): PowerBISimulatorOptions {
  const options = readJson(values[`${prefix}options`]) as PowerBISimulatorOptions;
  const port = int(values[`${prefix}port`], `--${prefix}port`);
  const seed = int(values[`${prefix}seed`], `--${prefix}seed`);
  const timeScale = int(values[`${prefix}time-scale`], `--${prefix}time-scale`);
  return {
    ...options,
    ...(port !== undefined ? { port } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(timeScale !== undefined ? { timeScale } : {}),
    ...(values[`${prefix}host`] ? { host: values[`${prefix}host`] } : {}),
  };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flags = ['port', 'host', 'seed', 'size', 'time-scale', 'options'];
  const prefixes = command === 'all' ? ['x3-', 'pbi-'] : [''];
  const optionSpec = Object.fromEntries(
    prefixes.flatMap((p) => flags.map((f) => [`${p}${f}`, { type: 'string' as const }])),
  );
  const { values } = parseArgs({
    args: rest,
    options: { ...optionSpec, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help || !command || !['sage-x3', 'powerbi', 'all'].includes(command)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const strings = values as Record<string, string | undefined>;
  const closers: Array<() => Promise<void>> = [];
  if (command === 'sage-x3' || command === 'all') {
    const sim = await startSageX3Simulator(x3Options(strings, command === 'all' ? 'x3-' : ''));
    closers.push(() => sim.close());
    console.log(
      JSON.stringify({
        simulator: 'sage-x3',
        url: sim.url,
        endpoint: sim.endpoint,
        graphqlUrl: sim.graphqlUrl,
        credentials: sim.credentials,
      }),
    );
  }
  if (command === 'powerbi' || command === 'all') {
    const sim = await startPowerBISimulator(pbiOptions(strings, command === 'all' ? 'pbi-' : ''));
    closers.push(() => sim.close());
    console.log(
      JSON.stringify({
        simulator: 'powerbi',
        url: sim.url,
        authorityHost: sim.authorityHost,
        tokenUrl: sim.tokenUrl,
        tenantId: sim.tenantId,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        groupId: sim.groupId,
      }),
    );
  }
  const shutdown = async () => {
    await Promise.all(closers.map((close) => close()));
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
