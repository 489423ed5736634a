import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type World, leaks, startWorld } from './mlc-harness.js';

function checkLine(stdout: string, title: RegExp): string {
  return stdout.split('\n').find((l) => title.test(l)) ?? `(no line matching ${title})`;
}

describe('mlc doctor against the simulators', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(() => w?.close());

  it('a healthy set-up: every check passes, exit 0, and no secret is printed', async () => {
    const r = await w.mlc(['doctor']);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/✔ configuration is valid/);
    expect(r.stdout).toMatch(/✔ Sage X3 authentication \(basic\)/);
    expect(r.stdout).toMatch(/✔ Sage X3 endpoint folder \S+ exists/);
    expect(r.stdout).toMatch(/✔ clock skew against the Sage X3 server/);
    expect(r.stdout).toMatch(/✔ Sage X3 supplier is readable with its update stamp — class BPSUPPLIER/);
    expect(r.stdout).toMatch(/✔ Entra ID token for the service principal/);
    expect(r.stdout).toMatch(/✔ tenant lets service principals use the Power BI APIs/);
    expect(r.stdout).toMatch(/✔ service principal has a role in workspace/);
    expect(r.stdout).toMatch(/! push dataset "CLI test" exists or can be created — it does not exist yet/);
    expect(leaks(r)).toEqual([]);
  });

  it('--json: the same checks as data, exit 1 with the failing check when something is wrong', async () => {
    const r = await w.mlc(['doctor', '--json'], { MLC_PBI_CLIENT_SECRET: 'wrong-secret-value-123' });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: Array<{ id: string; status: string; remedy?: string }>;
    };
    expect(report.ok).toBe(false);
    const token = report.checks.find((c) => c.id === 'powerbi.token');
    expect(token).toMatchObject({ status: 'fail', data: { aadsts: 7000215 } });
    expect(token?.remedy).toMatch(/secret VALUE/);
    expect(report.checks.find((c) => c.id === 'x3.auth')?.status).toBe('ok');
    expect(r.stdout).not.toContain('wrong-secret-value-123');
  });

  it('wrong X3 password: authentication fails with the basic-auth remedy', async () => {
    const r = await w.mlc(['doctor'], { MLC_X3_PASSWORD: 'wrong-x3-password-456' });
    expect(r.code).toBe(1);
    expect(checkLine(r.stdout, /Sage X3 authentication/)).toMatch(
      /✘ Sage X3 authentication \(basic\) — X3_AUTH/,
    );
    expect(r.stdout).toMatch(/remedy: Check the X3 user and password/);
    expect(r.stdout).not.toContain('wrong-x3-password-456');
    expect(leaks(r)).toEqual([]);
  });

  it('wrong endpoint folder: names the endpoints the server has', async () => {
    const r = await w.mlc(['doctor'], { MLC_X3_ENDPOINT: 'NOSUCHFOLDER' });
    expect(r.code).toBe(1);
    expect(checkLine(r.stdout, /endpoint folder/)).toMatch(
      new RegExp(
        `✘ Sage X3 endpoint folder NOSUCHFOLDER exists — no endpoint NOSUCHFOLDER; the server has: .*${w.x3sim.endpoint}`,
      ),
    );
    expect(r.stdout).toMatch(/remedy: Set `endpoint` to one of the listed Syracuse endpoint names/);
  });

  it('unreachable host: TCP fails with a remedy, and the X3 steps after it are skipped', async () => {
    const closed = new URL(w.x3sim.url);
    closed.port = '9'; // discard port: nothing listens on loopback
    const r = await w.mlc(['doctor'], { MLC_X3_URL: closed.origin });
    expect(r.code).toBe(1);
    expect(checkLine(r.stdout, /TCP connects/)).toMatch(
      /✘ Sage X3: TCP connects to 127\.0\.0\.1:9 — ECONNREFUSED/,
    );
    expect(r.stdout).toMatch(/remedy: Nothing listens on 127\.0\.0\.1:9/);
    expect(r.stdout).toMatch(/- Sage X3 authentication \(basic\) — host unreachable/);
  });

  it('no workspace access: the tenant check passes and the workspace check fails with how to add the principal', async () => {
    w.pbisim.control.removeMember(w.pbisim.groupId, w.pbisim.clientId);
    try {
      const r = await w.mlc(['doctor']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✔ tenant lets service principals use the Power BI APIs/);
      expect(checkLine(r.stdout, /role in workspace/)).toMatch(/✘ service principal has a role in workspace/);
      expect(r.stdout).toMatch(/remedy: Add the service principal to the workspace/);
    } finally {
      w.pbisim.control.addMember(w.pbisim.groupId, w.pbisim.clientId, 'Admin');
    }
  });

  it('executeQueries disabled: found once the dataset exists, with the tenant-setting remedy', async () => {
    const run = await w.mlc(['run']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    w.pbisim.control.setExecuteQueriesEnabled(false);
    try {
      const r = await w.mlc(['doctor']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✔ push dataset "CLI test" exists or can be created — dataset /);
      expect(checkLine(r.stdout, /executeQueries/)).toMatch(/✘ executeQueries is allowed/);
      expect(r.stdout).toMatch(
        /remedy: A Power BI admin must enable the tenant setting "Dataset Execute Queries REST API"/,
      );
    } finally {
      w.pbisim.control.setExecuteQueriesEnabled(true);
    }
    const healthy = await w.mlc(['doctor']);
    expect(healthy.code, healthy.stdout).toBe(0);
    expect(healthy.stdout).toMatch(/✔ table Suppliers is below the 5M-row cap — \d+ rows/);
    expect(healthy.stdout).toMatch(/✔ hourly rows quota headroom — \d+ rows posted in the last hour/);
  });
});

describe('mlc doctor: faults that need their own simulators', () => {
  it('service principals not allowed by the tenant: the tenant-setting check fails with its remedy', async () => {
    const w = await startWorld({
      pbi: {
        tenants: [{ servicePrincipalsEnabled: false, apps: [{ clientSecret: 'planted-pbi-secret-Vx81Lw' }] }],
      },
    });
    try {
      const r = await w.mlc(['doctor']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/✔ Entra ID token for the service principal/);
      expect(checkLine(r.stdout, /tenant lets/)).toMatch(
        /✘ tenant lets service principals use the Power BI APIs — 401 PowerBINotAuthorizedException/,
      );
      expect(r.stdout).toMatch(
        /remedy: A Fabric\/Power BI admin must enable the developer tenant setting "Service principals can use Fabric APIs"/,
      );
      expect(r.stdout).toMatch(
        /- service principal has a role in workspace .* — the tenant refuses the principal/,
      );
      expect(leaks(r)).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("skewed clock: the X3 server's Date header is two hours ahead: fails with the NTP remedy", async () => {
    const w = await startWorld({
      x3: {
        clock: {
          now: () => Date.now() + 2 * 3_600_000,
          sleep: (ms, signal) =>
            new Promise((resolve, reject) => {
              const t = setTimeout(resolve, ms);
              signal?.addEventListener(
                'abort',
                () => {
                  clearTimeout(t);
                  reject(signal.reason);
                },
                { once: true },
              );
            }),
        },
      },
    });
    try {
      const r = await w.mlc(['doctor', '--skip', 'powerbi']);
      expect(r.code).toBe(1);
      expect(checkLine(r.stdout, /clock skew/)).toMatch(
        /✘ clock skew against the Sage X3 server — the server's clock is (2h 0m|1h 59m) ahead of this machine's/,
      );
      expect(r.stdout).toMatch(/remedy: Synchronise this machine's clock \(NTP/);
    } finally {
      await w.close();
    }
  });
});
