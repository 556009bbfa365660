import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sendJson } from '../../api/client.ts';
import type { Channel } from '../../api/types.ts';
import { useSession } from '../../app/session.tsx';
import { ErrorMessage } from '../common.tsx';

type Result = 'no_discrepancy' | 'discrepancy' | 'seizure';
const RESULTS: readonly Result[] = ['no_discrepancy', 'discrepancy', 'seizure'];

/** After any change the declaration, the queue and the dashboards are read again. */
function useRefresh() {
  const client = useQueryClient();
  return () =>
    Promise.all(
      ['declaration', 'explanation', 'queue', 'dashboard'].map((k) =>
        client.invalidateQueries({ queryKey: [k] }),
      ),
    );
}

export function OutcomeForm(props: { declarationId: string; currency: string }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [result, setResult] = useState<Result>('no_discrepancy');
  const [amount, setAmount] = useState('');
  const [notes, setNotes] = useState('');
  const legend = useId();
  const save = useMutation({
    mutationFn: () =>
      sendJson('POST', `/v1/declarations/${encodeURIComponent(props.declarationId)}/outcome`, {
        result,
        ...(result !== 'no_discrepancy' && amount !== '' ? { revenueRecovered: Number(amount) } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      }),
    onSuccess: refresh,
  });
  return (
    <form
      className="action"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <fieldset aria-labelledby={legend}>
        <legend id={legend}>{t('outcome.title')}</legend>
        {RESULTS.map((r) => (
          <label key={r} className="inline">
            <input
              type="radio"
              name="result"
              value={r}
              checked={result === r}
              onChange={() => setResult(r)}
            />
            {t(`outcome.${r}`)}
          </label>
        ))}
        {result !== 'no_discrepancy' && (
          <label>
            {t('outcome.revenue', { currency: props.currency })}
            <input
              type="number"
              min={0}
              step="any"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
            />
          </label>
        )}
        <label>
          {t('outcome.notes')}
          <textarea maxLength={2000} rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
        <button type="submit" disabled={save.isPending}>
          {t('outcome.save')}
        </button>
      </fieldset>
      {save.isError && <ErrorMessage error={save.error} />}
      {save.isSuccess && <p role="status">{t('outcome.saved')}</p>}
    </form>
  );
}

export function OverrideForm(props: { declarationId: string; channel: Channel }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const [channel, setChannel] = useState<Channel>(props.channel === 'red' ? 'yellow' : 'red');
  const [reason, setReason] = useState('');
  const legend = useId();
  const save = useMutation({
    mutationFn: () =>
      sendJson('POST', `/v1/declarations/${encodeURIComponent(props.declarationId)}/override`, {
        channel,
        reason,
      }),
    onSuccess: refresh,
  });
  return (
    <form
      className="action"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <fieldset aria-labelledby={legend}>
        <legend id={legend}>{t('override.title')}</legend>
        <label>
          {t('override.channel')}
          <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
            {(['red', 'yellow', 'green'] as const).map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('override.reason')}
          <textarea
            required
            minLength={3}
            maxLength={1000}
            rows={2}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <button type="submit" disabled={save.isPending}>
          {t('override.save')}
        </button>
      </fieldset>
      {save.isError && <ErrorMessage error={save.error} />}
      {save.isSuccess && <p role="status">{t('override.saved')}</p>}
    </form>
  );
}

export function ReleaseButton(props: { declarationId: string; released: boolean }) {
  const { t } = useTranslation();
  const refresh = useRefresh();
  const release = useMutation({
    mutationFn: () =>
      sendJson('POST', `/v1/declarations/${encodeURIComponent(props.declarationId)}/events`, {
        event: 'release',
      }),
    onSuccess: refresh,
  });
  if (props.released) return <p>{t('release.done')}</p>;
  return (
    <div className="action">
      <button type="button" onClick={() => release.mutate()} disabled={release.isPending}>
        {t('release.button')}
      </button>
      {release.isError && <ErrorMessage error={release.error} />}
    </div>
  );
}

/** The forms the signed-in role may use. */
export function DeclarationActions(props: {
  declarationId: string;
  channel: Channel;
  currency: string;
  status: string;
}) {
  const { can } = useSession();
  const { t } = useTranslation();
  const forms = [
    can('POST /v1/declarations/{id}/outcome') && (
      <OutcomeForm key="outcome" declarationId={props.declarationId} currency={props.currency} />
    ),
    can('POST /v1/declarations/{id}/override') && (
      <OverrideForm key="override" declarationId={props.declarationId} channel={props.channel} />
    ),
    can('POST /v1/declarations/{id}/events') && (
      <ReleaseButton
        key="release"
        declarationId={props.declarationId}
        released={props.status === 'released'}
      />
    ),
  ].filter(Boolean);
  if (forms.length === 0) return null;
  return (
    <section aria-labelledby="actions-title" className="card">
      <h2 id="actions-title">{t('declaration.actions')}</h2>
      {forms}
    </section>
  );
}
