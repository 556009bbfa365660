import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getJson, sendJson } from '../../api/client.ts';
import { useSession } from '../../app/session.tsx';
import { formatDateTime, formatNumber, formatPercent } from '../../i18n/i18n.ts';
import { ErrorMessage } from '../common.tsx';

/** Held-out metrics recorded at training: each keyed by the inspection rate in percent ("1", "5", …). */
interface SelectionMetrics {
  rows: number;
  precisionAt: Record<string, number>;
  recallAt: Record<string, number>;
  revenueAt: Record<string, number>;
  auc: number;
}

interface ModelEntry {
  id: string;
  target: string;
  version: number;
  active: boolean;
  createdAt: string;
  createdBy: string;
  window: { from: string; to: string; rows: number };
  metrics: SelectionMetrics | null;
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
            {` · ${t('models.window', { rows: formatNumber(m.window.rows), from: formatDateTime(m.window.from), to: formatDateTime(m.window.to) })}`}
          </p>
          {m.metrics && (
            <table>
              <caption>
                {t('models.metrics')} ·{' '}
                {t('models.auc', { auc: formatNumber(m.metrics.auc, { maximumFractionDigits: 3 }) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('models.inspected')}</th>
                  <th scope="col">{t('models.precision')}</th>
                  <th scope="col">{t('models.recall')}</th>
                  <th scope="col">{t('models.revenue')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.keys(m.metrics.precisionAt)
                  .sort((x, y) => Number(x) - Number(y))
                  .map((rate) => (
                    <tr key={rate}>
                      <td>{formatPercent(Number(rate) / 100)}</td>
                      <td className="num">{formatPercent(m.metrics!.precisionAt[rate] ?? 0)}</td>
                      <td className="num">{formatPercent(m.metrics!.recallAt[rate] ?? 0)}</td>
                      <td className="num">{formatPercent(m.metrics!.revenueAt[rate] ?? 0)}</td>
                    </tr>
                  ))}
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
