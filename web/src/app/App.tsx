import { lazy, type ReactNode, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { LANGUAGES } from '../i18n/i18n.ts';
import { QueueScreen } from '../screens/queue/QueueScreen.tsx';
import { SessionProvider, type SignedOutReason, useSession } from './session.tsx';

// The queue is the first screen; every other screen is its own chunk, loaded when opened.
const DeclarationScreen = lazy(() => import('../screens/declaration/DeclarationScreen.tsx'));
const ProfilesScreen = lazy(() => import('../screens/profiles/ProfilesScreen.tsx'));
const ProfileEditor = lazy(() => import('../screens/profiles/ProfileEditor.tsx'));
const HitsScreen = lazy(() => import('../screens/screening/HitsScreen.tsx'));
const ModelsScreen = lazy(() => import('../screens/models/ModelsScreen.tsx'));
const LogScreen = lazy(() => import('../screens/log/LogScreen.tsx'));
const DashboardsScreen = lazy(() => import('../screens/dashboards/DashboardsScreen.tsx'));

/** Each screen, the route that must be open to the role for it to appear, and its path. */
const NAV = [
  { path: '/queue', label: 'nav.queue', route: 'GET /v1/queue' },
  { path: '/dashboards', label: 'nav.dashboards', route: 'GET /v1/dashboards/channel-mix' },
  { path: '/profiles', label: 'nav.profiles', route: 'GET /v1/profiles' },
  { path: '/screening', label: 'nav.screening', route: 'GET /v1/screening/hits' },
  { path: '/models', label: 'nav.models', route: 'GET /v1/models' },
  { path: '/log', label: 'nav.log', route: 'GET /v1/queue' },
] as const;

function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="language">
      <label htmlFor={id}>{t('app.language')}</label>
      <select id={id} value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </span>
  );
}

function SignIn(props: { reason: SignedOutReason; message?: string; retry: (key: string) => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">Greenlane</span>
        <LanguagePicker />
      </header>
      <main id="main" className="signin">
        <h1>{props.reason === 'refused' ? t('signin.refusedTitle') : t('signin.title')}</h1>
        {props.reason === 'refused' && (
          <div className="error" role="alert">
            <p>{t('signin.refused')}</p>
            {props.message && <p className="detail">{props.message}</p>}
          </div>
        )}
        {props.reason === 'signed-out' && <p role="status">{t('signin.signedOut')}</p>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (key.trim()) props.retry(key.trim());
          }}
        >
          <label>
            {t('signin.key')}
            <input
              type="password"
              name="key"
              autoComplete="off"
              spellCheck={false}
              required
              value={key}
              onChange={(e) => setKey(e.target.value)}
            />
          </label>
          <button type="submit">{t('signin.submit')}</button>
          <p className="hint">{t('signin.hint')}</p>
        </form>
      </main>
    </div>
  );
}

function Layout(props: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, can, signOut } = useSession();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="top">
        <span className="brand">Greenlane</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {NAV.filter((n) => can(n.route)).map((n) => (
              <li key={n.path}>
                <NavLink to={n.path}>{t(n.label)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {t('app.signedInAs', { role: t(`roles.${me.role}`), administration: me.administration.name })}
        </span>
        <LanguagePicker />
        <button type="button" onClick={signOut}>
          {t('app.signOut')}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p role="status">{t('app.loading')}</p>}>{props.children}</Suspense>
      </main>
    </div>
  );
}

function Home() {
  const { can } = useSession();
  const first = NAV.find((n) => can(n.route));
  const { t } = useTranslation();
  return first ? <Navigate to={first.path} replace /> : <p>{t('app.nothingForRole')}</p>;
}

export function App() {
  const { t } = useTranslation();
  return (
    <SessionProvider
      loading={<p role="status">{t('app.loading')}</p>}
      signIn={(reason, retry, message) => (
        <SignIn reason={reason} retry={retry} {...(message ? { message } : {})} />
      )}
    >
      <Layout>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/queue" element={<QueueScreen />} />
          <Route path="/declarations/:id" element={<DeclarationScreen />} />
          <Route path="/profiles" element={<ProfilesScreen />} />
          <Route path="/profiles/:id" element={<ProfileEditor />} />
          <Route path="/screening" element={<HitsScreen />} />
          <Route path="/models" element={<ModelsScreen />} />
          <Route path="/log" element={<LogScreen />} />
          <Route path="/dashboards" element={<DashboardsScreen />} />
          <Route path="*" element={<p>{t('app.notFound')}</p>} />
        </Routes>
      </Layout>
    </SessionProvider>
  );
}
