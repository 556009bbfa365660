import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDeclaration } from '../../../../test/support/api-test-kit.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { callAs, createFullTestApi, type FullTestApi } from '../../../../test/support/full-api.ts';
import { contentHash } from '../../../core/declaration/content-hash.ts';
import type { Declaration } from '../../../core/declaration/declaration.ts';
import { parseCheckpoint } from '../../../core/ledger/checkpoint.ts';
import { hashLeaf } from '../../../core/ledger/merkle-hash.ts';
import { verifyInclusion } from '../../../core/ledger/proof-verify.ts';
import { checkRecordAgainstLeaf } from '../../../core/ledger/record-commitment.ts';
import { noteVerifier, openNote } from '../../../core/ledger/signed-note.ts';
import { trainRiskModel } from '../../../core/model/risk-model.ts';
import { syntheticRecords } from '../../../core/model/test-records.ts';
import { ModelRegistry } from '../../../driven/model/model-registry.ts';

for (const dialect of DIALECTS) {
  describe(`workbench routes on ${dialect}`, () => {
    let api: FullTestApi;
    beforeAll(async () => {
      api = await createFullTestApi(dialect);
      await api.submit('XA', [testDeclaration('XA-RED-1', 'CN'), testDeclaration('XA-GREEN-1', 'DE')]);
      await api.store.getDeclaration('XA', 'XA-RED-1');
    });
    afterAll(async () => api?.dispose());

    it('GET /v1/me tells the key its administration, role, label and routes; a wrong key is 401 in words', async () => {
      const me = await (await callAs(api, 'officer', '/v1/me')).json();
      expect(me).toMatchObject({
        administration: { id: 'XA', name: 'Test administration XA' },
        role: 'officer',
        key: { label: 'XA officer' },
      });
      expect(me.routes).toContain('POST /v1/declarations/{id}/outcome');
      expect(me.routes).not.toContain('POST /v1/screening/hits/{id}/adjudication');
      const wrong = await api.app.request('/v1/me', { headers: { authorization: 'Bearer glk_wrong' } });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as any).error.message).toBe(
        'the API key is not valid or has been revoked',
      );
      const revoked = await api.app.request('/v1/me', {
        headers: { authorization: `Bearer ${api.keys.XA.revoked}` },
      });
      expect(revoked.status).toBe(401);
    });

    it('explains the decision: the profile that fired with its instructions, the items, no model signal', async () => {
      const body = await (await callAs(api, 'officer', '/v1/declarations/XA-RED-1/explanation')).json();
      expect(body).toMatchObject({ declarationId: 'XA-RED-1', channel: 'red', model: null, screening: [] });
      expect(body.profiles).toEqual([
        expect.objectContaining({
          id: 'TEST-ORIGIN-CN',
          version: 1,
          instructions: 'Open the container and check the origin marks',
          minChannel: 'red',
          items: [1],
        }),
      ]);
      expect(body.reasons.length).toBeGreaterThanOrEqual(1);
      const green = await (await callAs(api, 'auditor', '/v1/declarations/XA-GREEN-1/explanation')).json();
      expect(green).toMatchObject({ channel: 'green', profiles: [] });
      expect(
        (await callAs(api, 'officer', '/v1/declarations/XA-RED-1/explanation', undefined, 'XB')).status,
      ).toBe(404);
    });

    it('gives the browser what it needs to verify the log entry: record, leaf, proof, signed checkpoint', async () => {
      const res = await callAs(api, 'officer', '/v1/declarations/XA-RED-1/log-proof');
      expect(res.status).toBe(200);
      const p = await res.json();
      const leaf = Buffer.from(p.leaf, 'base64');
      expect(checkRecordAgainstLeaf(leaf.toString('utf8'), p.record.content, p.record.salt)).toEqual({
        ok: true,
      });
      expect(hashLeaf(leaf).toString('hex')).toBe(p.leafHash);
      const { text } = openNote(p.checkpoint, [noteVerifier(p.publicKey.trim())]);
      const cp = parseCheckpoint(text);
      expect(cp.size).toBe(p.proof.size);
      expect(() =>
        verifyInclusion(
          Buffer.from(p.leafHash, 'hex'),
          p.logIndex,
          p.proof.size,
          p.proof.hashes.map((h: string) => Buffer.from(h, 'hex')),
          cp.rootHash,
        ),
      ).not.toThrow();
      // An auditor verifies the same proof without the record and its salt.
      const audited = await (await callAs(api, 'auditor', '/v1/declarations/XA-RED-1/log-proof')).json();
      expect(audited.record).toBeUndefined();
      expect(audited.leafHash).toBe(p.leafHash);
      const other = await callAs(api, 'officer', '/v1/declarations/XA-RED-1/log-proof?decision=NOSUCH');
      expect(other.status).toBe(404);
    });

    it('records milestones once: a replay is 200 and writes nothing, a second release at another time is 409', async () => {
      const path = '/v1/declarations/XA-GREEN-1/events';
      const start = await callAs(api, 'officer', path, { event: 'inspection_start' });
      expect(start.status).toBe(201);
      expect(await start.json()).toMatchObject({ replayed: false, status: 'under_inspection' });
      const again = await callAs(api, 'officer', path, { event: 'inspection_start' });
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ replayed: true });
      const release = { event: 'release', at: '2026-11-28T13:00:00Z' };
      expect((await callAs(api, 'officer', path, release)).status).toBe(201);
      const replay = await callAs(api, 'officer', path, release);
      expect(replay.status).toBe(200);
      expect(await replay.json()).toMatchObject({
        replayed: true,
        status: 'released',
        event: { at: '2026-11-28T13:00:00.000Z' },
      });
      const later = await callAs(api, 'officer', path, { event: 'release', at: '2026-11-28T14:00:00Z' });
      expect(later.status).toBe(409);
      const events = (await api.store.getDeclaration('XA', 'XA-GREEN-1')).events.map((e) => e.event);
      expect(events.filter((e) => e === 'release')).toHaveLength(1);
      expect(events.filter((e) => e === 'inspection_start')).toHaveLength(1);
    });

    it('names the field of a bad event request, and refuses roles and other administrations', async () => {
      const path = '/v1/declarations/XA-GREEN-1/events';
      const bad = await callAs(api, 'officer', path, { event: 'decision' });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.details[0].path).toBe('/event');
      const badAt = await callAs(api, 'officer', path, { event: 'arrival', at: 'yesterday' });
      expect((await badAt.json()).error.details[0].path).toBe('/at');
      expect((await callAs(api, 'analyst', path, { event: 'release' })).status).toBe(403);
      expect((await callAs(api, 'officer', path, { event: 'release' }, 'XB')).status).toBe(404);
    });

    it('lists the model registry with metrics and activates a version, for its own administration only', async () => {
      const model = trainRiskModel(syntheticRecords(200, 3), { target: 'fraud', params: { maxTrees: 3 } });
      const metrics = {
        rows: 100,
        precisionAt: { '1': 0.9 },
        recallAt: { '1': 0.1 },
        revenueAt: { '1': 0.2 },
        auc: 0.8,
      };
      const v = await new ModelRegistry(api.conn.db, 'XA').register(
        model,
        { createdAt: 'x', validation: metrics as never },
        'ana',
      );
      const list = await (await callAs(api, 'auditor', '/v1/models')).json();
      expect(list.models).toEqual([expect.objectContaining({ id: v.id, active: false, metrics })]);
      expect((await callAs(api, 'analyst', '/v1/models', undefined, 'XB')).status).toBe(200);
      expect((await (await callAs(api, 'analyst', '/v1/models', undefined, 'XB')).json()).models).toEqual([]);
      expect((await callAs(api, 'analyst', `/v1/models/${v.id}/activation`, {}, 'XB')).status).toBe(404);
      const bad = await callAs(api, 'analyst', `/v1/models/${v.id}/activation`, { policy: 'cheapest' });
      expect((await bad.json()).error.details[0].path).toBe('/policy');
      expect((await callAs(api, 'auditor', `/v1/models/${v.id}/activation`, {})).status).toBe(403);
      const on = await callAs(api, 'analyst', `/v1/models/${v.id}/activation`, { policy: 'revenue' });
      expect(on.status).toBe(201);
      expect(await on.json()).toMatchObject({
        modelId: v.id,
        policy: 'revenue',
        activatedBy: expect.stringContaining('XA analyst'),
      });
      const after = await (await callAs(api, 'analyst', '/v1/models?target=fraud')).json();
      expect(after.models[0].active).toBe(true);
      expect(after.activations).toHaveLength(1);
    });

    it('pages through signed checkpoints newest first and names the witnesses, without a key', async () => {
      const get = async (path: string): Promise<any> => (await api.app.request(path)).json();
      await api.store.getDeclaration('XA', 'XA-RED-1');
      const first = await get('/v1/log/checkpoints?limit=1');
      expect(first.checkpoints).toHaveLength(1);
      const [cp] = first.checkpoints;
      expect(cp.note).toContain(`\n${cp.size}\n`);
      expect(cp.rootHash).toMatch(/^[0-9a-f]{64}$/);
      if (first.nextBefore !== null) {
        const older = await get(`/v1/log/checkpoints?limit=500&before=${first.nextBefore}`);
        for (const o of older.checkpoints) expect(o.size).toBeLessThan(cp.size);
      }
      expect((await get('/v1/log/checkpoints?limit=0')).error.details[0].path).toBe('/limit');
      const witnesses = await get('/v1/log/witnesses');
      expect(witnesses).toEqual({ quorum: expect.any(Number), witnesses: expect.any(Array) });
    });

    it('serves dashboards as JSON and CSV for the own administration only, naming a bad parameter', async () => {
      const path = '/v1/declarations/XA-RED-1/events';
      expect((await callAs(api, 'officer', path, { event: 'release' })).status).toBe(201);
      const trs = await (await callAs(api, 'auditor', '/v1/dashboards/time-release?period=month')).json();
      const steps = trs.rows.filter((r: any) => r.channel === 'red').map((r: any) => r.step);
      expect(steps).toEqual(expect.arrayContaining(['lodgement_to_decision', 'decision_to_release']));
      expect(trs.slowest.length).toBeGreaterThan(0);
      const other = await (
        await callAs(api, 'auditor', '/v1/dashboards/time-release', undefined, 'XB')
      ).json();
      expect(JSON.stringify(other)).not.toContain('XA');
      const csv = await api.app.request('/v1/dashboards/channel-mix?period=day', {
        headers: { authorization: `Bearer ${api.keys.XA.officer}`, accept: 'text/csv' },
      });
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="channel-mix.csv"');
      const lines = (await csv.text()).trimEnd().split('\r\n');
      expect(lines[0]).toBe('period,office,green,yellow,red,total');
      expect(lines.length).toBeGreaterThan(1);
      const byChannel = await (
        await callAs(api, 'analyst', '/v1/dashboards/hit-rates?by=channel&format=csv')
      ).text();
      expect(byChannel.split('\r\n')[0]).toBe('key,inspected,positive,rate');
      const bad = await callAs(api, 'officer', '/v1/dashboards/revenue?period=year');
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.details[0].path).toBe('/period');
      expect((await callAs(api, 'ingest', '/v1/dashboards/seizures')).status).toBe(403);
    });

    it('lints, drafts, backtests and activates a risk profile', async () => {
      const yaml = (id: string, origin: string) =>
        `id: ${id}\nversion: 1\ntitle: Watch\nreason: Origin watch\ninstructions: Check marks\ncriteria:\n  originCountry: [${origin}]\nweight: 10\n`;
      const broken = await (
        await callAs(api, 'analyst', '/v1/profiles/lint', { yaml: 'id: P1\nversion: [\n' })
      ).json();
      expect(broken.ok).toBe(false);
      expect(broken.issues[0]).toMatchObject({
        code: 'SYNTAX_ERROR',
        line: expect.any(Number),
      });
      const never = await (
        await callAs(api, 'analyst', '/v1/profiles/lint', { yaml: yaml('P-ZZ', 'ZZ') })
      ).json();
      expect(never.issues).toEqual([
        expect.objectContaining({ code: 'NEVER_MATCHES', path: '/criteria/originCountry/0', line: 7 }),
      ]);
      const wrongId = await api.app.request('/v1/profiles/P-OTHER/draft', {
        method: 'PUT',
        headers: { authorization: `Bearer ${api.keys.XA.analyst}`, 'content-type': 'application/json' },
        body: JSON.stringify({ yaml: yaml('P-CN', 'CN') }),
      });
      expect(wrongId.status).toBe(400);
      expect(((await wrongId.json()) as any).error.details[0].path).toBe('/yaml');
      const bt = await (
        await callAs(api, 'analyst', '/v1/profiles/backtest', { yaml: yaml('P-CN', 'CN') })
      ).json();
      expect(bt).toMatchObject({ scanned: 2, hits: 1, byChannel: { red: 1, green: 0, yellow: 0 } });
      const none = await (
        await callAs(api, 'analyst', '/v1/profiles/backtest', {
          yaml: yaml('P-CN', 'CN'),
          from: '2099-01-01',
        })
      ).json();
      expect(none).toMatchObject({ scanned: 0, hits: 0, hitRate: { rate: null } });
      const bad = await callAs(api, 'analyst', '/v1/profiles/backtest', { yaml: 'id: [' });
      expect(bad.status).toBe(400);
      const other = await (
        await callAs(api, 'analyst', '/v1/profiles/backtest', { yaml: yaml('P-CN', 'CN') }, 'XB')
      ).json();
      expect(other).toMatchObject({ scanned: 0, hits: 0 });
      const put = await api.app.request('/v1/profiles/P-CN/draft', {
        method: 'PUT',
        headers: { authorization: `Bearer ${api.keys.XA.analyst}`, 'content-type': 'application/json' },
        body: JSON.stringify({ yaml: yaml('P-CN', 'CN') }),
      });
      expect(put.status).toBe(200);
      const on = await callAs(api, 'analyst', '/v1/profiles/P-CN/activation', {});
      expect(on.status).toBe(201);
      expect(await on.json()).toMatchObject({ id: 'P-CN', version: 1, enabled: true, status: 'created' });
      const detail = await (await callAs(api, 'auditor', '/v1/profiles/P-CN')).json();
      expect(detail).toMatchObject({ version: 1, enabled: true, draft: null });
      expect(detail.yaml).toContain('originCountry');
      expect((await callAs(api, 'auditor', '/v1/profiles/P-CN', undefined, 'XB')).status).toBe(404);
      expect((await callAs(api, 'officer', '/v1/profiles/P-CN/activation', {})).status).toBe(403);
      expect((await callAs(api, 'analyst', '/v1/profiles/P-CN/activation', {})).status).toBe(404);
    });

    it('gives the model contributions of a declaration decided while a model was in force, below its threshold too', async () => {
      const model = trainRiskModel(syntheticRecords(200, 3), { target: 'fraud', params: { maxTrees: 3 } });
      const version = await new ModelRegistry(api.conn.db, 'XA').register(model, { createdAt: 'x' }, 'ana');
      const declaration = testDeclaration('XA-MODEL-1', 'DE') as Declaration;
      await api.store.saveAssessments('XA', [
        {
          declaration,
          contentHash: contentHash(declaration),
          source: 'test',
          decision: {
            channel: 'yellow',
            score: 40,
            reasons: [
              { source: 'profile', code: 'P-X', message: 'a profile', score: 40, minChannel: 'yellow' },
            ],
            summary: 'yellow: a profile',
            selection: {
              keyId: 'sel_test',
              draw: 0.5,
              rates: { yellow: 0, red: 0 },
              thresholds: { yellow: 40, red: 80 },
            },
            decidedAt: new Date().toISOString(),
            profileVersions: { 'P-X': 1 },
            referenceVersion: 'test',
            modelVersion: version.id,
          },
        },
      ]);
      // The model scored it below its yellow threshold: no model reason, its contributions all the same.
      const path = '/v1/declarations/XA-MODEL-1/explanation';
      const explained = await (await callAs(api, 'officer', path)).json();
      expect(explained.model).toMatchObject({ modelVersion: version.id, source: 'recomputed' });
      expect(explained.model.contributions.length).toBeGreaterThan(0);
      const again = await (await callAs(api, 'officer', path)).json();
      expect(again.model).toEqual(explained.model);
      expect((await callAs(api, 'officer', path, undefined, 'XB')).status).toBe(404);
    });
  });
}
