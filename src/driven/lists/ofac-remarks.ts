import {
  addName,
  addUnique,
  type EntityIdentifier,
  normaliseImo,
  type PartialDate,
  type SanctionedEntity,
} from '../../core/screening/entity.ts';
import type { CountryResolver } from './country-resolver.ts';

/**
 * OFAC's legacy `sdn.csv` keeps everything but the primary name in the free-text Remarks column,
 * as `;`-separated clauses: `DOB 21 Jan 1971`, `POB Roubaix, France`, `nationality Iran`,
 * `Passport A123 (Iran)`, `Vessel Registration Identification IMO 7406784`, and the weak aliases
 * `a.k.a. 'X'` (strong aliases are only in `alt.csv`). This reads those clauses into the entity.
 */
export function applyOfacRemarks(
  entity: SanctionedEntity,
  remarks: string,
  resolveCountry: CountryResolver,
): void {
  for (const raw of splitClauses(remarks)) {
    const clause = raw.trim().replace(/\.$/, '');
    if (!clause) continue;
    const alias = /^([fn]?\.?k\.a\.|a\.k\.a\.)\s*'(.+)'$/i.exec(clause);
    if (alias) {
      // Former names of a vessel identify it as well as its current one (ships are renamed to evade).
      const former = alias[1]!.toLowerCase().startsWith('f');
      addName(entity, alias[2]!, former && entity.type === 'vessel' ? 'strong' : 'weak');
      continue;
    }
    const dob = /^(?:alt\. )?DOB (.+)$/i.exec(clause);
    if (dob) {
      const d = parseOfacDate(dob[1]!);
      if (d) entity.birthDates.push(d);
      continue;
    }
    const pob = /^(?:alt\. )?POB (.+)$/i.exec(clause);
    if (pob) {
      addUnique(entity.birthPlaces, pob[1]);
      continue;
    }
    const nat = /^(?:alt\. )?(?:nationality|citizen) (.+)$/i.exec(clause);
    if (nat) {
      addUnique(entity.nationalities, resolveCountry(nat[1]) ?? nat[1]);
      continue;
    }
    const imo = /IMO (\d{7})/.exec(clause);
    if (imo && /^Vessel Registration Identification/i.test(clause)) {
      entity.identifiers.push({ type: 'imo', value: imo[1]! });
      continue;
    }
    const id = identifierClause(clause, resolveCountry);
    if (id) entity.identifiers.push(id);
  }
}

/** Splits on `;` outside single-quoted aliases (aliases may contain semicolons). */
function splitClauses(remarks: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of remarks) {
    if (ch === "'") quoted = !quoted;
    if (ch === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** OFAC dates: `21 Jan 1971`, `Jan 1971`, `1971`, `circa 1955`, `1960 to 1962`. */
export function parseOfacDate(text: string): PartialDate | undefined {
  const t = text.trim();
  const approximate = /^circa /i.test(t) ? { approximate: true } : {};
  const body = t.replace(/^circa /i, '');
  const range = /^(\d{4}) to (\d{4})$/.exec(body);
  if (range) return { year: Number(range[1]), toYear: Number(range[2]) };
  const full = /^(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})$/.exec(body);
  if (full && MONTHS[full[2]!.toLowerCase()]) {
    return {
      year: Number(full[3]),
      month: MONTHS[full[2]!.toLowerCase()]!,
      day: Number(full[1]),
      ...approximate,
    };
  }
  const monthYear = /^([A-Za-z]{3})[a-z]* (\d{4})$/.exec(body);
  if (monthYear && MONTHS[monthYear[1]!.toLowerCase()]) {
    return { year: Number(monthYear[2]), month: MONTHS[monthYear[1]!.toLowerCase()]!, ...approximate };
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(body);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  const dmy = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(body);
  if (dmy) return { year: Number(dmy[3]), month: Number(dmy[2]), day: Number(dmy[1]) };
  const year = /^(\d{4})$/.exec(body);
  if (year) return { year: Number(year[1]), ...approximate };
  return undefined;
}

/** `Passport A123 (Iran)`, `National ID No. 123 (Colombia)`, `Cedula No. 6068015 (Colombia)`... */
function identifierClause(clause: string, resolveCountry: CountryResolver): EntityIdentifier | undefined {
  const m =
    /^(?:alt\. )?(Passport|National ID No\.|Cedula No\.|Registration Number|Tax ID No\.|Identification Number|Business Registration Number|NIT #|C\.U\.I\.T\.|RFC|D\.N\.I\.|Registration ID) ([^(]+?)\s*(?:\(([^)]*)\))?$/i.exec(
      clause,
    );
  if (!m) return undefined;
  const label = m[1]!.toLowerCase();
  const value = m[2]!.trim();
  if (!value) return undefined;
  const type: EntityIdentifier['type'] = label.startsWith('passport')
    ? 'passport'
    : /national|cedula|d\.n\.i|identification/.test(label)
      ? 'national-id'
      : 'registration';
  const country = resolveCountry(m[3]);
  return { type, value, ...(country ? { country } : {}) };
}

/** OFAC writes individuals `LAST, First`; screening and display use `First LAST`. */
export function ofacDisplayName(name: string, individual: boolean): string {
  if (!individual) return name;
  const comma = name.indexOf(', ');
  return comma > 0 ? `${name.slice(comma + 2)} ${name.slice(0, comma)}` : name;
}

/** Adds an IMO identifier once. */
export function addImo(entity: SanctionedEntity, raw: string | undefined): void {
  const imo = normaliseImo(raw);
  if (imo && !entity.identifiers.some((i) => i.type === 'imo' && i.value === imo)) {
    entity.identifiers.push({ type: 'imo', value: imo });
  }
}
