import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_KEY_ROLES, type ApiKeyRole } from '../../driven/store/api-key-records.ts';
import type { Principal } from './api-key-auth.ts';
import { createApp } from './app.ts';
import { ROUTE_ACCESS, requireRoute, rolesOf } from './route-access.ts';
import type { RouteModule } from './route-module.ts';

/** The route × role matrix of the protected routes, as docs/API.md shows it. */
function roleMatrix(): string {
  const rows = Object.entries(ROUTE_ACCESS).flatMap(([route, access]) =>
    'roles' in access && !('hidden' in access)
      ? [
          `| \`${route}\` | ${API_KEY_ROLES.map((r) => ((access.roles as readonly string[]).includes(r) ? '✓' : '')).join(' | ')} |`,
        ]
      : [],
  );
  return [
    `| route | ${API_KEY_ROLES.map((r) => `\`${r}\``).join(' | ')} |`,
    `|---|${API_KEY_ROLES.map(() => ':-:').join('|')}|`,
    ...rows,
  ].join('\n');
}

describe('requireRoute', () => {
  const app = (role: ApiKeyRole) => {
    const principal: Principal = { administration: 'XA', role, keyId: 'k', name: 'desk' };
    const queue: RouteModule = {
      name: 'queue',
      register: (a) => a.get('/v1/queue', requireRoute('GET /v1/queue'), (c) => c.text('queue')),
    };
    return createApp({ authenticate: async () => principal, routes: [queue] });
  };

  it('lets the roles of the table through and answers 403 naming them to the others', async () => {
    for (const role of API_KEY_ROLES) {
      const res = await app(role).request('/v1/queue', { headers: { 'x-api-key': 'k' } });
      if (rolesOf('GET /v1/queue').includes(role)) {
        expect(res.status, role).toBe(200);
      } else {
        expect(res.status, role).toBe(403);
        expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
          `GET /v1/queue needs one of the roles admin, analyst, officer, auditor; the key has ${role}`,
        );
      }
    }
  });
});

describe('docs/API.md', () => {
  it('shows the role table as the server enforces it', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/API.md'), 'utf8');
    expect(doc, `docs/API.md must hold this table:\n${roleMatrix()}`).toContain(roleMatrix());
  });
});
