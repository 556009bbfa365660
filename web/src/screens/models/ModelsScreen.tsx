import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getJson, sendJson } from '../../api/client.ts';
import { useSession } from '../../app/session.tsx';
import { formatDateTime, formatNumber, formatPercent } from '../../i18n/i18n.ts';
import { ErrorMessage } from '../common.tsx';

interface ModelEntry {
  id: string;
  target: string;
  version: number | string;
  active: boolean;
  createdAt: string;
  createdBy: string;
  window?: { from: string; to: string; rows: number };
  metrics: Record<string, unknown> | null;
}

/** A metric at n% of inspections as `greenlane model train` stores it: {share, precision, recall, revenue}. */
interface AtShare {
  share?: number;
  fraction?: number;
  precision?: number;
  recall?: number;
  revenue?: number;
  revenueShare?: number;
}

function atShares(metrics: Record<string, unknown> | null): AtShare[] {
  if (!metrics) return [];
  for (const value of Object.values(metrics))
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') return value as AtShare[];
  return [];
}

/** The model registry: versions, their held-out metrics at n% of inspections, and activation. */
export default function ModelsScreen() {
  const { t } = useTranslation();
  const { can } = useSession();
  const client = useQueryClient();
  const models = useQuery({
    queryKey: ['models'],
    queryFn: () => getJson<{ models: ModelEntry[] }>('/v1/models'),
  });
  const activate = useMutation({
    mutationFn: (id: string) => sendJson('POST', `/v1/models/${encodeURIComponent(id)}/activation`, {}),
    onSuccess: () => client.invalidateQueries({ queryKey: ['models'] }),
  });
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">{t('models.title')}</h1>
      {models.isError && <ErrorMessage error={models.error} />}
      {activate.isError && <ErrorMessage error={activate.error} />}
      {models.data && models.data.models.length === 0 && <p>{t('models.none')}</p>}
      {models.data?.models.map((m) => (
        <section key={m.id} className="card" aria-labelledby={`model-${m.id}`}>
          <h2 id={`model-${m.id}`}>
            {m.id} {m.active && <span className="chip green">{t('models.active')}</span>}
          </h2>
          <p className="meta">
            {t('models.target', { target: m.target })} · {formatDateTime(m.createdAt)} · {m.createdBy}
            {m.window &&
              ` · ${t('models.window', { rows: formatNumber(m.window.rows), from: formatDateTime(m.window.from), to: formatDateTime(m.window.to) })}`}
          </p>
          {atShares(m.metrics).length > 0 && (
            <table>
              <caption className="sr-only">{t('models.metrics')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('models.inspected')}</th>
                  <th scope="col">{t('models.precision')}</th>
                  <th scope="col">{t('models.recall')}</th>
                  <th scope="col">{t('models.revenue')}</th>
                </tr>
              </thead>
              <tbody>
                {atShares(m.metrics).map((a) => {
                  const share = a.share ?? a.fraction ?? 0;
                  const revenue = a.revenueShare ?? a.revenue;
                  return (
                    <tr key={share}>
                      <td>{formatPercent(share)}</td>
                      <td className="num">{a.precision !== undefined ? formatPercent(a.precision) : '—'}</td>
                      <td className="num">{a.recall !== undefined ? formatPercent(a.recall) : '—'}</td>
                      <td className="num">{revenue !== undefined ? formatPercent(revenue) : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {!m.active && can('POST /v1/models/{id}/activation') && (
            <button type="button" onClick={() => activate.mutate(m.id)} disabled={activate.isPending}>
              {t('models.activate')}
            </button>
          )}
        </section>
      ))}
    </section>
  );
}
