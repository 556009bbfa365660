import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { getJson, sendJson } from '../../api/client.ts';
import { useSession } from '../../app/session.tsx';
import { formatNumber, formatPercent } from '../../i18n/i18n.ts';
import { ErrorMessage } from '../common.tsx';

interface LintIssue {
  line?: number;
  column?: number;
  path?: string;
  code: string;
  message: string;
}
interface Lint {
  ok: boolean;
  profile: { id: string; version: number } | null;
  issues: LintIssue[];
}
interface ProfileDetail {
  id: string;
  version: number;
  enabled: boolean;
  yaml: string;
  draft: { yaml: string } | null;
}
interface Backtest {
  scanned: number;
  hits: number;
  hitRate: { withOutcome: number; positive: number; rate: number | null };
  byChannel: Record<string, number>;
  overlap: { profileId: string; hits: number; shared: number; shareOfDraft: number }[];
  elapsedMs: number;
}

const TEMPLATE = `id: P-NEW-1
version: 1
title: Short title of the profile
reason: Say in words why a declaration matching this is risky
instructions: Say what the officer should check
weight: 40
minChannel: yellow
criteria:
  all:
    - hsPrefix: ["8517"]
    - originCountry: ["CN"]
`;

/**
 * Writing a risk profile: the YAML with lint issues beside their lines as the analyst types, a
 * backtest over stored history before it goes live (hits, hit rate on known outcomes, overlap with
 * the active profiles), saving the draft and activating it.
 */
export default function ProfileEditor() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const routeId = useParams().id!;
  const isNew = routeId === 'new';
  const editorId = useId();
  const stored = useQuery({
    queryKey: ['profile', routeId],
    queryFn: () => getJson<ProfileDetail>(`/v1/profiles/${encodeURIComponent(routeId)}`),
    enabled: !isNew,
  });
  const [yaml, setYaml] = useState<string | null>(isNew ? TEMPLATE : null);
  useEffect(() => {
    if (yaml === null && stored.data) setYaml(stored.data.draft?.yaml ?? stored.data.yaml);
  }, [stored.data, yaml]);

  const [lint, setLint] = useState<Lint | null>(null);
  useEffect(() => {
    if (yaml === null || !can('POST /v1/profiles/lint')) return;
    // Lint as the analyst types, after a short pause.
    const timer = setTimeout(() => {
      sendJson<Lint>('POST', '/v1/profiles/lint', { yaml })
        .then(setLint)
        .catch(() => setLint(null));
    }, 300);
    return () => clearTimeout(timer);
  }, [yaml, can]);

  const profileId = lint?.profile?.id ?? (isNew ? null : routeId);
  const backtest = useMutation({
    mutationFn: () => sendJson<Backtest>('POST', '/v1/profiles/backtest', { yaml }),
  });
  const save = useMutation({
    mutationFn: () => sendJson('PUT', `/v1/profiles/${encodeURIComponent(profileId!)}/draft`, { yaml }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['profiles'] }),
  });
  const activate = useMutation({
    mutationFn: async () => {
      await sendJson('PUT', `/v1/profiles/${encodeURIComponent(profileId!)}/draft`, { yaml });
      return sendJson<{ id: string; version: number; status: string }>(
        'POST',
        `/v1/profiles/${encodeURIComponent(profileId!)}/activation`,
        {},
      );
    },
    onSuccess: async (res) => {
      await client.invalidateQueries({ queryKey: ['profiles'] });
      await client.invalidateQueries({ queryKey: ['profile'] });
      if (isNew) navigate(`/profiles/${encodeURIComponent(res.id)}`, { replace: true });
    },
  });

  if (!isNew && stored.isError) return <ErrorMessage error={stored.error} />;
  if (yaml === null) return <p role="status">{t('app.loading')}</p>;
  const canWrite = can('POST /v1/profiles/lint');
  const issues = lint?.issues ?? [];
  return (
    <section aria-labelledby="editor-title">
      <p>
        <Link to="/profiles">{t('profiles.back')}</Link>
      </p>
      <h1 id="editor-title">{isNew ? t('profiles.new') : t('profiles.editTitle', { id: routeId })}</h1>
      {stored.data && (
        <p className="meta">
          {stored.data.version > 0
            ? t('profiles.activeVersion', { version: stored.data.version })
            : t('profiles.draftOnly')}
        </p>
      )}
      <div className="editor">
        <div>
          <label htmlFor={editorId}>{t('profiles.yaml')}</label>
          <textarea
            id={editorId}
            spellCheck={false}
            readOnly={!canWrite}
            value={yaml}
            onChange={(e) => setYaml(e.target.value)}
            aria-describedby={`${editorId}-lint`}
            aria-invalid={issues.length > 0}
          />
        </div>
        <div>
          <div id={`${editorId}-lint`} aria-live="polite">
            <h2>{t('profiles.lint')}</h2>
            {lint === null ? (
              <p>{t('app.loading')}</p>
            ) : issues.length === 0 ? (
              <p className="ok">{t('profiles.lintOk')}</p>
            ) : (
              <ul className="issues">
                {issues.map((i) => (
                  <li key={`${i.line}:${i.column}:${i.code}:${i.message}`}>
                    {i.line !== undefined && t('profiles.at', { line: i.line, column: i.column ?? 1 })}{' '}
                    {i.message}
                    {i.path && (
                      <>
                        {' '}
                        <code>{i.path}</code>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
          {canWrite && (
            <div className="toolbar">
              <button
                type="button"
                onClick={() => backtest.mutate()}
                disabled={backtest.isPending || !lint?.ok}
              >
                {backtest.isPending ? t('profiles.backtesting') : t('profiles.backtest')}
              </button>
              <button type="button" onClick={() => save.mutate()} disabled={save.isPending || !profileId}>
                {t('profiles.saveDraft')}
              </button>
              <button
                type="button"
                onClick={() => activate.mutate()}
                disabled={activate.isPending || !lint?.ok}
              >
                {t('profiles.activate')}
              </button>
            </div>
          )}
          {[backtest, save, activate].map(
            (m, n) => m.isError && <ErrorMessage key={['backtest', 'save', 'activate'][n]} error={m.error} />,
          )}
          {save.isSuccess && <p role="status">{t('profiles.saved')}</p>}
          {activate.data && (
            <p role="status" className="ok">
              {t('profiles.activated', { id: activate.data.id, version: activate.data.version })}
            </p>
          )}
          {backtest.data && <BacktestResult result={backtest.data} />}
        </div>
      </div>
    </section>
  );
}

function BacktestResult(props: { result: Backtest }) {
  const { t } = useTranslation();
  const r = props.result;
  return (
    <section aria-labelledby="backtest-title" className="card" role="status">
      <h2 id="backtest-title">{t('profiles.backtestResult')}</h2>
      <p>{t('profiles.wouldHit', { hits: formatNumber(r.hits), scanned: formatNumber(r.scanned) })}</p>
      <p>
        {r.hitRate.withOutcome > 0 && r.hitRate.rate !== null
          ? t('profiles.hitRate', {
              rate: formatPercent(r.hitRate.rate),
              positive: formatNumber(r.hitRate.positive),
              inspected: formatNumber(r.hitRate.withOutcome),
            })
          : t('profiles.noOutcomes')}
      </p>
      <p>
        {(['red', 'yellow', 'green'] as const)
          .map((c) => `${t(`channel.${c}`)} ${formatNumber(r.byChannel[c] ?? 0)}`)
          .join(' · ')}
      </p>
      <h3>{t('profiles.overlap')}</h3>
      {r.overlap.length === 0 ? (
        <p>{t('profiles.noOverlap')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('profiles.id')}</th>
              <th scope="col">{t('profiles.itsHits')}</th>
              <th scope="col">{t('profiles.shared')}</th>
            </tr>
          </thead>
          <tbody>
            {r.overlap.map((o) => (
              <tr key={o.profileId}>
                <td className="id">{o.profileId}</td>
                <td className="num">{formatNumber(o.hits)}</td>
                <td className="num">
                  {formatNumber(o.shared)} ({formatPercent(o.shareOfDraft)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="meta">
        {t('profiles.elapsed', { seconds: formatNumber(r.elapsedMs / 1000, { maximumFractionDigits: 1 }) })}
      </p>
    </section>
  );
}
