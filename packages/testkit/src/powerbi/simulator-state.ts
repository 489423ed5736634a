import { RollingWindow } from './api/rolling-window.js';
import { TokenRegistry } from './entra/token-registry.js';
import { FaultInjector } from './faults.js';
import type { SimDataset } from './model.js';
import type { ResolvedApp, ResolvedPowerBISimulatorOptions, ResolvedTenant } from './options.js';
import type { PowerBIRequestLogEntry } from './request-log.js';

/** Everything one simulator instance knows; shared by the Entra and Power BI routes and the control API. */
export class SimulatorState {
  readonly tokens: TokenRegistry;
  readonly faults: FaultInjector;
  readonly datasets = new Map<string, SimDataset>();
  readonly log: PowerBIRequestLogEntry[] = [];
  readonly queryWindows = new Map<string, RollingWindow>();
  /** A quota "minute" in clock milliseconds (60 000 / timeScale). */
  readonly minuteMs: number;
  /** A quota "hour" in clock milliseconds (3 600 000 / timeScale). */
  readonly hourMs: number;
  #seq = 0;
  /** Set once the server listens: `http://host:port`. */
  origin = '';
  /** The cluster origin redirects point at (empty when `clusterRedirects` is off). */
  clusterOrigin = '';

  constructor(readonly opts: ResolvedPowerBISimulatorOptions) {
    this.tokens = new TokenRegistry(opts.rng);
    this.faults = new FaultInjector(opts.rng, opts.faults);
    this.minuteMs = 60_000 / opts.timeScale;
    this.hourMs = 3_600_000 / opts.timeScale;
  }

  /** Appends to the request log, dropping the oldest entries beyond `requestLogLimit`. */
  record(entry: PowerBIRequestLogEntry): void {
    this.log.push(entry);
    const excess = this.log.length - this.opts.requestLogLimit;
    if (excess > 0) this.log.splice(0, excess);
  }

  /** Current simulator time. */
  now(): number {
    return this.opts.clock.now();
  }

  /** Next request sequence number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /**
   * Retry-After for a wait of `ms` clock milliseconds: whole clock seconds, rounded up, at least 1. With a time
   * scale the value is therefore in *scaled* seconds — exactly how long the client must wait on its own clock.
   */
  retryAfterSeconds(ms: number): number {
    return Math.max(1, Math.ceil(ms / 1000));
  }

  /** Finds a tenant by id or verified domain (case-insensitive). */
  tenant(idOrDomain: string): ResolvedTenant | undefined {
    const key = idOrDomain.toLowerCase();
    return this.opts.tenants.find(
      (t) => t.tenantId.toLowerCase() === key || t.domains.some((d) => d.toLowerCase() === key),
    );
  }

  /** Finds an app by client id in any tenant. */
  app(clientId: string): ResolvedApp | undefined {
    return this.opts.tenants.flatMap((t) => t.apps).find((a) => a.clientId === clientId);
  }

  /** The per-principal executeQueries window. */
  queryWindow(clientId: string): RollingWindow {
    let w = this.queryWindows.get(clientId);
    if (!w) {
      w = new RollingWindow(this.minuteMs);
      this.queryWindows.set(clientId, w);
    }
    return w;
  }
}
