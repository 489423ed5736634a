#!/usr/bin/env node
/**
 * Sums a V8 profile the SDK benchmark process wrote (`MLC_SDK_CPU_PROF` → `.cpuprofile`, `MLC_SDK_HEAP_PROF` →
 * `.heapprofile`; see bench/versus/sdk-sync.mts) into three tables: self (time or bytes allocated in the function
 * itself), by file, and inclusive (the function and everything it called; a function on the stack twice counts once).
 *
 *   node packages/e2e/bench/profile-summary.mjs <file> [rows=30]
 */
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary.mjs <file.cpuprofile|file.heapprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));

/** Each node with its parent and its own weight (µs for a CPU profile, bytes for a heap profile). */
const nodes = new Map();
let unit;
if (profile.head) {
  // Sampling heap profile: a tree; a node's `selfSize` is the bytes sampled as allocated there.
  unit = 'MB allocated';
  const walk = (node, parent) => {
    nodes.set(node.id, { frame: node.callFrame, parent, weight: node.selfSize });
    for (const child of node.children ?? []) walk(child, node.id);
  };
  walk(profile.head, undefined);
} else {
  // CPU profile: flat nodes; weight is the time of the samples that landed in each.
  unit = 'ms';
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  for (const node of profile.nodes)
    nodes.set(node.id, { frame: node.callFrame, parent: parents.get(node.id), weight: 0 });
  profile.samples.forEach((id, i) => {
    nodes.get(id).weight += profile.timeDeltas[i] ?? 0;
  });
}
const scale = unit === 'ms' ? 1 / 1000 : 1 / 1_000_000;
const nameOf = (frame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
const fileOf = (frame) => frame.url.split('/').slice(-3).join('/') || frame.functionName;

const self = new Map();
const byFile = new Map();
const inclusive = new Map();
let total = 0;
let idle = 0;
const add = (map, key, weight) => map.set(key, (map.get(key) ?? 0) + weight);
for (const [id, node] of nodes) {
  if (node.weight === 0) continue;
  total += node.weight;
  if (node.frame.functionName === '(idle)') idle += node.weight;
  add(self, nameOf(node.frame), node.weight);
  add(byFile, fileOf(node.frame), node.weight);
  const seen = new Set();
  for (let at = id; at !== undefined; at = nodes.get(at).parent) {
    const name = nameOf(nodes.get(at).frame);
    if (seen.has(name)) continue;
    seen.add(name);
    add(inclusive, name, node.weight);
  }
}

const fmt = (weight) => (weight * scale).toFixed(1).padStart(9);
console.log(
  unit === 'ms'
    ? `total ${fmt(total)} ms, idle ${fmt(idle)} ms, busy ${fmt(total - idle)} ms`
    : `total ${fmt(total)} MB allocated (sampled)`,
);
for (const [title, map] of [
  ['self', self],
  ['by file', byFile],
  ['inclusive', inclusive],
]) {
  console.log(`\n== ${title} (${unit})`);
  const top = [...map].sort((a, b) => b[1] - a[1]).slice(0, rows);
  for (const [name, weight] of top) console.log(`${fmt(weight)}  ${name}`);
}
