import type { PartialDate, SanctionedEntity } from './entity.ts';

/**
 * Evidence beyond the name: date of birth, nationality / country and identifiers raise or lower
 * a name score. Each function returns the adjustment and the sentence explaining it, or nothing
 * when the feature cannot be compared (one side does not state it).
 */
export interface Evidence {
  feature: 'dob' | 'country' | 'imo';
  adjustment: number;
  reason: string;
}

/** Query dates: `1965`, `1965-04`, `1965-04-29`. */
export function parseQueryDate(raw: string | undefined): PartialDate | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(raw?.trim() ?? '');
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : undefined;
  const day = m[3] ? Number(m[3]) : undefined;
  return { year, ...(month ? { month } : {}), ...(day ? { day } : {}) };
}

function formatDate(d: PartialDate): string {
  if (d.toYear) return `${d.year}-${d.toYear}`;
  const parts = [String(d.year)];
  if (d.month) parts.push(String(d.month).padStart(2, '0'));
  if (d.month && d.day) parts.push(String(d.day).padStart(2, '0'));
  return `${d.approximate ? 'circa ' : ''}${parts.join('-')}`;
}

/**
 * Date of birth: the same full date is strong evidence (+0.08), the same year some (+0.04); a
 * year one off or inside a listed range is neutral (lists and queries both carry such errors);
 * every listed date more than a year away is evidence of a different person (-0.15).
 */
export function dobEvidence(query: PartialDate | undefined, entity: SanctionedEntity): Evidence | undefined {
  if (!query || entity.birthDates.length === 0) return undefined;
  let best: Evidence | undefined;
  const consider = (e: Evidence) => {
    if (!best || e.adjustment > best.adjustment) best = e;
  };
  for (const d of entity.birthDates) {
    const listed = formatDate(d);
    const lo = d.year - (d.approximate ? 2 : 0);
    const hi = (d.toYear ?? d.year) + (d.approximate ? 2 : 0);
    if (d.toYear || d.approximate) {
      if (query.year >= lo && query.year <= hi)
        consider({
          feature: 'dob',
          adjustment: 0.02,
          reason: `date of birth ${formatDate(query)} within listed ${listed}`,
        });
      else
        consider({
          feature: 'dob',
          adjustment: Math.abs(query.year - (query.year < lo ? lo : hi)) <= 1 ? 0 : -0.15,
          reason: `date of birth ${formatDate(query)} outside listed ${listed}`,
        });
      continue;
    }
    if (query.year === d.year) {
      const full = query.month && d.month && query.day && d.day;
      if (full && query.month === d.month && query.day === d.day) {
        consider({
          feature: 'dob',
          adjustment: 0.08,
          reason: `date of birth ${formatDate(query)} equals listed ${listed}`,
        });
      } else if (full || (query.month && d.month && query.month !== d.month)) {
        consider({
          feature: 'dob',
          adjustment: 0.02,
          reason: `year of birth ${query.year} equals listed ${listed}, day differs`,
        });
      } else {
        consider({
          feature: 'dob',
          adjustment: 0.04,
          reason: `year of birth ${query.year} equals listed ${listed}`,
        });
      }
    } else if (Math.abs(query.year - d.year) === 1) {
      consider({
        feature: 'dob',
        adjustment: 0,
        reason: `year of birth ${query.year} one year from listed ${listed}`,
      });
    } else {
      consider({
        feature: 'dob',
        adjustment: -0.15,
        reason: `date of birth ${formatDate(query)} differs from listed ${listed}`,
      });
    }
  }
  return best;
}

/**
 * Country (ISO 3166-1 alpha-2): a stated nationality or country of the listed entity equal to the
 * query's adds a little (+0.03); if the entity states some and none is the query's, a little is
 * taken off (-0.05) — companies and people move, so this is weak evidence either way.
 */
export function countryEvidence(query: string | undefined, entity: SanctionedEntity): Evidence | undefined {
  if (!query) return undefined;
  const listed = [...entity.nationalities, ...entity.countries];
  if (listed.length === 0) return undefined;
  const q = query.toUpperCase();
  if (listed.some((c) => c.toUpperCase() === q)) {
    return {
      feature: 'country',
      adjustment: 0.03,
      reason: `country ${q} is a listed nationality or country`,
    };
  }
  return {
    feature: 'country',
    adjustment: -0.05,
    reason: `country ${q} not among listed ${listed.slice(0, 5).join(', ')}`,
  };
}

/**
 * IMO ship identification number: unique per hull for its lifetime, so equality is proof (the
 * score becomes 1) and a different number on a vessel that has one is strong evidence of a
 * different ship with a similar name (-0.25: sister ships share name patterns).
 */
export function imoEvidence(query: string | undefined, entity: SanctionedEntity): Evidence | undefined {
  if (!query) return undefined;
  const listed = entity.identifiers.filter((i) => i.type === 'imo').map((i) => i.value);
  if (listed.length === 0) return undefined;
  if (listed.includes(query))
    return { feature: 'imo', adjustment: 1, reason: `IMO ${query} equals listed IMO number` };
  return {
    feature: 'imo',
    adjustment: -0.25,
    reason: `IMO ${query} differs from listed ${listed.join(', ')}`,
  };
}
