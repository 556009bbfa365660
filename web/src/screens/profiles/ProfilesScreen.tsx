import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { getJson } from '../../api/client.ts';
import { useSession } from '../../app/session.tsx';
import { formatDateTime } from '../../i18n/i18n.ts';
import { ErrorMessage } from '../common.tsx';

interface ProfileSummary {
  id: string;
  version: number;
  enabled: boolean;
  name?: string;
  title?: string;
  createdAt?: string;
  createdBy?: string;
  draft: { updatedAt: string; updatedBy: string } | null;
}

/** The administration's risk profiles: the active version of each, and drafts being written. */
export default function ProfilesScreen() {
  const { t } = useTranslation();
  const { can } = useSession();
  const list = useQuery({
    queryKey: ['profiles'],
    queryFn: () => getJson<{ profiles: ProfileSummary[] }>('/v1/profiles'),
  });
  return (
    <section aria-labelledby="profiles-title">
      <h1 id="profiles-title">{t('profiles.title')}</h1>
      {can('POST /v1/profiles/lint') && (
        <p>
          <Link to="/profiles/new">{t('profiles.new')}</Link>
        </p>
      )}
      {list.isError && <ErrorMessage error={list.error} />}
      {list.isPending && <p role="status">{t('app.loading')}</p>}
      {list.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('profiles.id')}</th>
              <th scope="col">{t('profiles.name')}</th>
              <th scope="col">{t('profiles.version')}</th>
              <th scope="col">{t('profiles.state')}</th>
              <th scope="col">{t('profiles.changed')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.profiles.map((p) => (
              <tr key={p.id}>
                <td className="id">
                  <Link to={`/profiles/${encodeURIComponent(p.id)}`}>{p.id}</Link>
                </td>
                <td>{p.name ?? p.title ?? ''}</td>
                <td>{p.version > 0 ? p.version : '—'}</td>
                <td>
                  {p.version === 0
                    ? t('profiles.draftOnly')
                    : p.enabled
                      ? t('profiles.active')
                      : t('profiles.disabled')}
                  {p.version > 0 && p.draft && ` · ${t('profiles.hasDraft')}`}
                </td>
                <td>
                  {p.draft
                    ? `${formatDateTime(p.draft.updatedAt)} · ${p.draft.updatedBy}`
                    : p.createdAt
                      ? `${formatDateTime(p.createdAt)} · ${p.createdBy ?? ''}`
                      : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
