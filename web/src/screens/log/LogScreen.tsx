import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getJson } from '../../api/client.ts';
import { formatDateTime, formatNumber } from '../../i18n/i18n.ts';
import { ErrorMessage } from '../common.tsx';

interface CheckpointEntry {
  size: number;
  rootHash: string;
  createdAt: string;
  cosignatures: { witness: string; createdAt: string }[];
}

/** The transparency log: its signed checkpoints, newest first, and the witnesses that cosigned them. */
export default function LogScreen() {
  const { t } = useTranslation();
  const checkpoints = useQuery({
    queryKey: ['checkpoints'],
    queryFn: () => getJson<{ checkpoints: CheckpointEntry[] }>('/v1/log/checkpoints?limit=50'),
  });
  const witnesses = useQuery({
    queryKey: ['witnesses'],
    queryFn: () =>
      getJson<{ witnesses: { name: string; lastCosignedSize: number; lastCosignedAt: string }[] }>(
        '/v1/log/witnesses',
      ),
  });
  return (
    <section aria-labelledby="log-screen-title">
      <h1 id="log-screen-title">{t('logScreen.title')}</h1>
      <p>{t('logScreen.intro')}</p>
      <h2>{t('logScreen.witnesses')}</h2>
      {witnesses.isError && <ErrorMessage error={witnesses.error} />}
      {witnesses.data &&
        (witnesses.data.witnesses.length === 0 ? (
          <p>{t('logScreen.noWitnesses')}</p>
        ) : (
          <ul>
            {witnesses.data.witnesses.map((w) => (
              <li key={w.name}>
                {t('logScreen.witness', {
                  name: w.name,
                  size: formatNumber(w.lastCosignedSize),
                  at: formatDateTime(w.lastCosignedAt),
                })}
              </li>
            ))}
          </ul>
        ))}
      <h2>{t('logScreen.checkpoints')}</h2>
      {checkpoints.isError && <ErrorMessage error={checkpoints.error} />}
      {checkpoints.data && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('logScreen.size')}</th>
                <th scope="col">{t('logScreen.root')}</th>
                <th scope="col">{t('logScreen.signedAt')}</th>
                <th scope="col">{t('logScreen.cosigned')}</th>
              </tr>
            </thead>
            <tbody>
              {checkpoints.data.checkpoints.map((c) => (
                <tr key={c.size}>
                  <td className="num">{formatNumber(c.size)}</td>
                  <td className="hash">{c.rootHash}</td>
                  <td>{formatDateTime(c.createdAt)}</td>
                  <td>{c.cosignatures.map((s) => s.witness).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
