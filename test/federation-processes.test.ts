import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InstallationProcess, installationProcess } from './support/installation-process.ts';

/**
 * Issue 11, "what it must show": separate installations, each its own process, home, port and
 * database, sharing over real HTTP through the operator's commands and the API — no shortcut
 * through a shared database or an in-process call.
 */

interface Identity {
  name: string;
  publicKey: string;
  url: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function key(inst: InstallationProcess, role: string): Promise<string> {
  const out = JSON.parse(
    await inst.ok('keys', 'create', '--administration', 'local', '--role', role, '--label', `${role} desk`),
  ) as { secret: string };
  return out.secret;
}

async function api(
  inst: InstallationProcess,
  secret: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${inst.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${secret}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

interface ListedAlert {
  id: string;
  from: string;
  status: string;
  reason?: string;
}

async function receivedAlerts(inst: InstallationProcess): Promise<ListedAlert[]> {
  const out = await inst.ok('alerts', 'list', '--received');
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ListedAlert);
}

function declaration(id: string, hsCode: string, origin: string) {
  return {
    id,
    type: 'import',
    customsOffice: 'NLRTM01',
    lodgedAt: '2026-12-01T09:00:00Z',
    currency: 'EUR',
    importer: { id: 'NL-IMP-1', name: 'Importer BV', country: 'NL' },
    items: [{ sequence: 1, hsCode, originCountry: origin, netMass: 12, invoiceValue: 4000 }],
  };
}

const ALERT = {
  title: 'Falsified tablets from XX',
  reason: 'Falsified tablets found in three consignments of this origin.',
  instructions: 'Sample the tablets; check batch numbers with the manufacturer.',
  handling: 'AMBER',
  validUntil: '2099-12-31',
  criteria: { all: [{ hsPrefix: ['3004'] }, { originCountry: ['IN'] }] },
};

async function introduce(a: InstallationProcess, b: InstallationProcess): Promise<void> {
  const ia = JSON.parse(await a.ok('identity')) as Identity;
  const ib = JSON.parse(await b.ok('identity')) as Identity;
  await a.ok('partners', 'add', '--name', ib.name, '--url', ib.url, '--public-key', ib.publicKey);
  await b.ok('partners', 'add', '--name', ia.name, '--url', ia.url, '--public-key', ia.publicKey);
}

describe('two installations, each its own process, over real HTTP', () => {
  let a: InstallationProcess;
  let b: InstallationProcess;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    a = await installationProcess('a.example');
    b = await installationProcess('b.example');
    await Promise.all([a.start(), b.start()]);
    await introduce(a, b);
    keys.aAnalyst = await key(a, 'analyst');
    keys.bIngest = await key(b, 'ingest');
    keys.bOfficer = await key(b, 'officer');
  }, 240_000);
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose()]);
  });

  it('an alert issued at A is accepted at B, raises B’s channel with the alert as the reason, B’s feedback reaches A, and a withdrawal stops it', async () => {
    const file = join(a.home, 'alert.json');
    writeFileSync(file, JSON.stringify(ALERT));
    const issued = JSON.parse(await a.ok('alerts', 'issue', file, '--to', 'b.example')) as {
      id: string;
      logIndex: number;
    };
    expect(Object.keys(issued).sort()).toEqual(['id', 'logIndex']);
    expect(issued.logIndex).toBeGreaterThanOrEqual(0);

    const received = await until('B accepts the alert', async () =>
      (await receivedAlerts(b)).find((x) => x.id === issued.id && x.status === 'accepted'),
    );
    expect(received.from).toBe('a.example');

    const matching = await api(
      b,
      keys.bIngest!,
      '/v1/declarations',
      declaration('B-DECL-1', '3004900000', 'IN'),
    );
    expect(matching.status).toBe(200);
    const decision = matching.json.results?.[0] ?? matching.json;
    expect(decision.channel).toBe('red');
    expect(decision.reasons).toContainEqual(expect.objectContaining({ source: 'alert', code: issued.id }));
    const other = await api(
      b,
      keys.bIngest!,
      '/v1/declarations',
      declaration('B-DECL-2', '3004900000', 'DE'),
    );
    const otherDecision = other.json.results?.[0] ?? other.json;
    expect(otherDecision.reasons.map((r: { source: string }) => r.source)).not.toContain('alert');

    const feedback = await api(b, keys.bOfficer!, `/v1/alerts/${issued.id}/feedback`, {
      outcome: 'seizure',
      note: 'declaration B-DECL-1: 40 kg of falsified tablets',
    });
    expect(feedback.status, JSON.stringify(feedback.json)).toBeLessThan(300);
    const atA = await until('A receives B’s feedback', async () => {
      const r = await api(a, keys.aAnalyst!, `/v1/alerts/${issued.id}/feedback`);
      const items = r.json?.items as
        | Array<{ direction: string; partner: string; feedback: { outcome: string } }>
        | undefined;
      return items && items.length > 0 ? items : undefined;
    });
    expect(atA[0]).toMatchObject({
      direction: 'received',
      partner: 'b.example',
      feedback: { outcome: 'seizure' },
    });

    const withdrawn = await api(a, keys.aAnalyst!, `/v1/alerts/${issued.id}/withdrawal`, {
      reason: 'the exporter was cleared',
    });
    expect(withdrawn.status, JSON.stringify(withdrawn.json)).toBeLessThan(300);
    await until('B sees the withdrawal', async () =>
      (await receivedAlerts(b)).find((x) => x.id === issued.id && x.status === 'withdrawn'),
    );
    const after = await api(
      b,
      keys.bIngest!,
      '/v1/declarations',
      declaration('B-DECL-3', '3004900000', 'IN'),
    );
    const afterDecision = after.json.results?.[0] ?? after.json;
    expect(afterDecision.reasons.map((r: { source: string }) => r.source)).not.toContain('alert');
  }, 180_000);
});
