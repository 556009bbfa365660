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

describe('three installations: a joint operation, and a partner that is down', () => {
  let a: InstallationProcess;
  let b: InstallationProcess;
  let c: InstallationProcess;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    [a, b, c] = await Promise.all([
      installationProcess('a.example'),
      installationProcess('b.example'),
      installationProcess('c.example'),
    ]);
    await Promise.all([a.start(), b.start(), c.start()]);
    await introduce(a, b);
    await introduce(a, c);
    await introduce(b, c);
    [keys.aAnalyst, keys.bAnalyst, keys.bOfficer, keys.cAnalyst, keys.cIngest] = await Promise.all([
      key(a, 'analyst'),
      key(b, 'analyst'),
      key(b, 'officer'),
      key(c, 'analyst'),
      key(c, 'ingest'),
    ]);
  }, 300_000);
  afterAll(async () => {
    await Promise.all([a?.dispose(), b?.dispose(), c?.dispose()]);
  });

  it('A runs a closed group with B and C: B’s seizure post reaches both, and A’s summary counts it', async () => {
    const opened = await api(a, keys.aAnalyst!, '/v1/groups', {
      name: 'Operation Cold Chain',
      members: ['b.example', 'c.example'],
      from: '2026-01-01',
      until: '2099-12-31',
      purpose: 'Falsified vaccines on the route IN-AE-NL',
    });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const groupId = opened.json.group.id as string;
    for (const [inst, secret] of [
      [b, keys.bAnalyst!],
      [c, keys.cAnalyst!],
    ] as const) {
      await until(`${inst.name} receives the group`, async () => {
        const r = await api(inst, secret, `/v1/groups/${groupId}`);
        return r.status === 200 ? r.json : undefined;
      });
    }

    const seizure = await api(b, keys.bOfficer!, '/v1/seizures', {
      id: 'B-SEIZ-1',
      date: '2026-12-01',
      office: 'BEANR01',
      direction: 'import',
      category: 'medicines-and-vaccines',
      goods: 'falsified vaccine vials',
      quantity: { value: 2400, unit: 'doses' },
      estimatedValue: { amount: 120000, currency: 'EUR' },
      concealment: 'in-cargo',
      detection: 'risk-profile',
      transportMode: 'sea',
      route: { departure: 'IN', transit: ['AE'], destination: 'BE' },
      persons: [{ role: 'driver', name: 'Jan Peeters' }],
    });
    expect(seizure.status, JSON.stringify(seizure.json)).toBe(201);
    const post = await api(b, keys.bAnalyst!, `/v1/groups/${groupId}/posts`, {
      kind: 'seizure',
      seizureId: 'B-SEIZ-1',
    });
    expect(post.status, JSON.stringify(post.json)).toBe(201);

    for (const [inst, secret] of [
      [a, keys.aAnalyst!],
      [c, keys.cAnalyst!],
    ] as const) {
      const posts = await until(`${inst.name} receives B's post`, async () => {
        const r = await api(inst, secret, `/v1/groups/${groupId}/posts`);
        const items = r.json?.items as Array<{ post: { kind: string; report?: object } }> | undefined;
        return items?.some((p) => p.post.kind === 'seizure') ? items : undefined;
      });
      // The global form only: the driver's name never leaves B.
      expect(JSON.stringify(posts)).not.toContain('Jan Peeters');
      expect(JSON.stringify(posts)).not.toContain('falsified vaccine vials');
    }
    const summary = await api(a, keys.aAnalyst!, `/v1/groups/${groupId}/summary`);
    expect(summary.json).toMatchObject({
      seizures: 1,
      seizuresByCategory: { 'medicines-and-vaccines': 1 },
      seizedValue: { EUR: 120000 },
    });
  }, 180_000);

  it('an alert to B and C while C is down reaches C, in order, when C is back', async () => {
    await c.stop();
    const issued: string[] = [];
    for (const n of [1, 2, 3]) {
      const r = await api(a, keys.aAnalyst!, '/v1/alerts', {
        alert: {
          ...ALERT,
          title: `Falsified tablets, wave ${n}`,
          criteria: { all: [{ hsPrefix: [`300${n}`] }] },
        },
        to: ['b.example', 'c.example'],
      });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      issued.push(r.json.id as string);
    }
    await until('B accepts all three', async () => {
      const got = (await receivedAlerts(b)).filter((x) => issued.includes(x.id) && x.status === 'accepted');
      return got.length === 3 ? got : undefined;
    });
    expect((await receivedAlerts(c)).filter((x) => issued.includes(x.id))).toEqual([]);

    await c.start();
    const atC = await until(
      'C accepts all three after its restart',
      async () => {
        const got = (await receivedAlerts(c)).filter((x) => issued.includes(x.id) && x.status === 'accepted');
        return got.length === 3 ? got : undefined;
      },
      120_000,
    );
    expect(atC.map((x) => x.from)).toEqual(['a.example', 'a.example', 'a.example']);
    // In A's order: C stored them in the order A issued them.
    const stored = (await api(c, keys.cAnalyst!, '/v1/alerts?received=true&limit=100')).json.items as Array<{
      id: string;
      createdAt: string;
    }>;
    const arrival = stored
      .filter((x) => issued.includes(x.id))
      .sort((x, y) => x.createdAt.localeCompare(y.createdAt))
      .map((x) => x.id);
    expect(arrival).toEqual(issued);

    const matching = await api(
      c,
      keys.cIngest!,
      '/v1/declarations',
      declaration('C-DECL-1', '3002150000', 'IN'),
    );
    const decision = matching.json.results?.[0] ?? matching.json;
    expect(decision.reasons).toContainEqual(expect.objectContaining({ source: 'alert', code: issued[1] }));
  }, 240_000);
});
