import { expect } from 'vitest';
import { trainRiskModel } from '../../src/core/model/risk-model.ts';
import { syntheticRecords } from '../../src/core/model/test-records.ts';
import type { FullTestApi } from './full-api.ts';

/** Fixtures of the workbench routes for cross-cutting API suites (tenancy). */

type Admin = 'XA' | 'XB';

/** A risk profile of an administration as YAML, its text carrying the secret marker. */
export function markedProfileYaml(admin: Admin, id: string): string {
  return [
    `id: ${id}`,
    'version: 1',
    `title: Origin watch ${admin}SECRET`,
    `reason: ${admin}SECRET reason`,
    `instructions: ${admin}SECRET instructions`,
    'criteria:',
    '  originCountry: [CN]',
    'weight: 10',
    '',
  ].join('\n');
}

/** Stores an administration's marked profile (and a draft of it) through its admin key. */
export async function storeMarkedProfile(api: FullTestApi, admin: Admin): Promise<string> {
  const id = `${admin}SECRET-PROFILE`;
  const headers = { authorization: `Bearer ${api.keys[admin].admin}`, 'content-type': 'application/json' };
  const yaml = markedProfileYaml(admin, id);
  const draft = await api.app.request(`/v1/profiles/${id}/draft`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ yaml }),
  });
  expect(draft.status).toBe(200);
  const on = await api.app.request(`/v1/profiles/${id}/activation`, { method: 'POST', headers, body: '{}' });
  expect(on.status).toBe(201);
  await api.app.request(`/v1/profiles/${id}/draft`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ yaml }),
  });
  return id;
}

/** A small trained model each administration registers (its registry is the fixture). */
export const TINY_MODEL = trainRiskModel(syntheticRecords(200, 7), {
  target: 'fraud',
  params: { maxTrees: 3 },
});
