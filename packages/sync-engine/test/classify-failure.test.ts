import { MlcError } from '@mlc/core';
import { PowerBIDatasetError, PowerBIHttpError } from '@mlc/powerbi-push-client';
import { describe, expect, it } from 'vitest';
import { failureAdvice } from '../src/alerts/alert-catalog.js';
import { SyncError } from '../src/errors/sync-error.js';
import { classifyFailure } from '../src/alerts/classify-failure.js';
import { describePowerBIFailure } from '../src/powerbi/describe-power-bi-failure.js';
import { describeX3Failure } from '../src/sage-x3/describe-x3-failure.js';

const x3 = (code: string, kind: 'auth' | 'server' = 'server') =>
  new MlcError({ message: `X3 failed (${code})`, code, kind });

describe('classifyFailure: the engine knows its own codes; sources and sinks describe theirs', () => {
  it('takes phase, severity and remedy from the source that claims the error', () => {
    const owners = { source: { describeFailure: describeX3Failure } };
    const gateway = classifyFailure(x3('X3_GATEWAY_ERROR'), 'run', owners);
    expect(gateway).toMatchObject({ code: 'X3_GATEWAY_ERROR', phase: 'source', backsOff: false });
    const rejected = x3('X3_AUTH_REJECTED', 'auth');
    const failure = classifyFailure(rejected, 'run', owners);
    // An auth failure is a credential failure whoever raised it; the advice is the source's.
    expect(failure).toMatchObject({ phase: 'credentials', backsOff: true });
    expect(failureAdvice(rejected, failure)).toEqual({
      severity: 'critical',
      remedy: expect.stringContaining('user and password'),
    });
  });

  it('gives an error nobody claims the generic advice of its phase, whatever its code looks like', () => {
    const rejected = x3('X3_AUTH_REJECTED', 'auth');
    const failure = classifyFailure(rejected, 'run');
    expect(failure.description).toBeUndefined();
    expect(failureAdvice(rejected, failure).remedy).toMatch(/^Check the credentials and the permissions/);
    // Without the source's word, an X3-looking code is no source failure to the engine.
    expect(classifyFailure(x3('X3_GATEWAY_ERROR'), 'run').phase).toBe('run');
  });

  it("lets the sink rename its code and place it: Power BI's 401 is PBI_NOT_AUTHORIZED; set-up or post", () => {
    const refused = new PowerBIHttpError({
      method: 'GET',
      url: 'https://api.powerbi.com/v1.0/myorg/groups/g/datasets',
      status: 401,
    });
    const owners = { sink: { describeFailure: describePowerBIFailure } };
    const failure = classifyFailure(refused, 'sink-setup', owners);
    expect(failure).toMatchObject({ code: 'PBI_NOT_AUTHORIZED', phase: 'credentials' });
    expect(failureAdvice(refused, failure)).toMatchObject({
      severity: 'critical',
      remedy: expect.stringContaining('Service principals can use Fabric APIs'),
    });
    expect(classifyFailure(refused, 'sink-setup').code).toBe('PBI_HTTP_ERROR');
    const taken = new PowerBIDatasetError({
      code: 'PBI_DATASET_NOT_PUSH',
      message: 'the name is taken by a non-push dataset',
    });
    expect(classifyFailure(taken, 'sink-setup', owners).phase).toBe('sink-setup');
    expect(classifyFailure(taken, 'run', owners).phase).toBe('sink');
    expect(failureAdvice(taken, classifyFailure(taken, 'run', owners)).severity).toBe('critical');
  });

  it("uses a custom sink's own description, and a remedy the error carries wins over it", () => {
    const sink = {
      describeFailure: (error: unknown) =>
        (error as { code?: unknown }).code === 'ACME_QUOTA'
          ? { phase: 'sink' as const, severity: 'warning' as const, remedy: 'Buy more ACME quota.' }
          : undefined,
    };
    const quota = new MlcError({ message: 'ACME quota used up', code: 'ACME_QUOTA', kind: 'client' });
    const failure = classifyFailure(quota, 'run', { sink });
    expect(failure).toMatchObject({ code: 'ACME_QUOTA', phase: 'sink' });
    expect(failureAdvice(quota, failure)).toEqual({ severity: 'warning', remedy: 'Buy more ACME quota.' });
    const carried = new MlcError({
      message: 'ACME quota used up',
      code: 'ACME_QUOTA',
      kind: 'client',
      details: { remedy: 'Wait for midnight.' },
    });
    expect(failureAdvice(carried, classifyFailure(carried, 'run', { sink })).remedy).toBe(
      'Wait for midnight.',
    );
  });

  it("words the engine failures a sink causes in the sink's terms, and generically without it", () => {
    const missing = new SyncError({ code: 'SYNC_SINK_MISSING', message: 'dataset deleted' });
    const owners = { sink: { describeFailure: describePowerBIFailure } };
    const told = classifyFailure(missing, 'run', owners);
    expect(told.phase).toBe('sink');
    expect(failureAdvice(missing, told).remedy).toMatch(/^The Power BI dataset was deleted/);
    expect(failureAdvice(missing, classifyFailure(missing, 'run')).remedy).not.toMatch(/Power BI/);
    const uncountable = new SyncError({ code: 'SYNC_VERIFICATION_UNAVAILABLE', message: 'cannot count' });
    const halted = classifyFailure(uncountable, 'run', owners);
    expect(halted.phase).toBe('verification');
    expect(failureAdvice(uncountable, halted).remedy).toMatch(/Dataset Execute Queries REST API/);
    const generic = classifyFailure(uncountable, 'run');
    expect(generic.phase).toBe('verification');
    expect(failureAdvice(uncountable, generic).remedy).not.toMatch(/Power BI/);
  });

  it('places an error the run saw come out of a source read in the source, unless it is a credential failure', () => {
    const owners = { sink: { describeFailure: describePowerBIFailure } };
    const timeout = new MlcError({ message: 'read timed out', code: 'NETWORK_ERROR', kind: 'transient' });
    expect(classifyFailure(timeout, 'run', owners).phase).toBe('run');
    expect(classifyFailure(timeout, 'run', owners, 'source').phase).toBe('source');
    // A code the engine places itself (a failed batch) still goes to the source when a source read threw it.
    const storeLike = new SyncError({ code: 'SYNC_BATCH_FAILED', message: 'the source failed a batch' });
    expect(classifyFailure(storeLike, 'run').phase).toBe('sink');
    expect(classifyFailure(storeLike, 'run', {}, 'source').phase).toBe('source');
    expect(classifyFailure(x3('X3_AUTH_REJECTED', 'auth'), 'run', {}, 'source').phase).toBe('credentials');
  });
});
