import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import ar from './locales/ar.json';
import en from './locales/en.json';
import es from './locales/es.json';
import fr from './locales/fr.json';

/**
 * Every string the workbench shows comes from these catalogues (English and French are the WCO's
 * working languages; Spanish; Arabic, written right to left). Plurals follow CLDR through
 * i18next's `_one`/`_other` (and Arabic's `_zero`/`_two`/`_few`/`_many`) suffixes.
 */
export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORED = 'greenlane.language';

function initialLanguage(): Language {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  const stored = fromUrl ?? localStorage.getItem(STORED) ?? navigator.language.slice(0, 2);
  return (LANGUAGES.find((l) => l.code === stored)?.code ?? 'en') as Language;
}

/** `<html lang dir>` follow the language, so the whole page mirrors for Arabic. */
function applyLanguageToPage(code: string): void {
  const lang = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0];
  document.documentElement.lang = lang.code;
  document.documentElement.dir = lang.dir;
}

export async function setupI18n(): Promise<void> {
  await i18next.use(initReactI18next).init({
    resources: {
      en: { translation: en },
      fr: { translation: fr },
      es: { translation: es },
      ar: { translation: ar },
    },
    lng: initialLanguage(),
    fallbackLng: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyLanguageToPage(i18next.language);
  i18next.on('languageChanged', (code) => {
    localStorage.setItem(STORED, code);
    applyLanguageToPage(code);
  });
}

/** Numbers and dates in the user's language, through Intl (Arabic gets Arabic-Indic digits). */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(i18next.language, options).format(value);
}

export function formatPercent(value: number): string {
  return formatNumber(value, { style: 'percent', maximumFractionDigits: 1 });
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : new Intl.DateTimeFormat(i18next.language, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatMoney(value: number, currency: string): string {
  try {
    return formatNumber(value, { style: 'currency', currency });
  } catch {
    return `${formatNumber(value)} ${currency}`;
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 3600)
    return formatNumber(seconds / 60, { style: 'unit', unit: 'minute', maximumFractionDigits: 0 });
  if (seconds < 172800)
    return formatNumber(seconds / 3600, { style: 'unit', unit: 'hour', maximumFractionDigits: 1 });
  return formatNumber(seconds / 86400, { style: 'unit', unit: 'day', maximumFractionDigits: 1 });
}
