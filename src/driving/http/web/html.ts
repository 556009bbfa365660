/**
 * Server-side HTML with escaping by default: every value interpolated into {@link html} is
 * escaped unless it is itself the result of `html` (a {@link SafeHtml}). This is what keeps a
 * declaration id like `<script>` or an office name with quotes from becoming markup (OWASP XSS
 * Prevention Cheat Sheet, rule 1: HTML-encode before inserting untrusted data into element content
 * and quoted attribute values).
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes the five characters significant in HTML text and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template producing {@link SafeHtml}; arrays are joined, `null`/`undefined`/`false` vanish.
 *
 * @example
 * html`<td>${declaration.id}</td>` // "<td>&lt;script&gt;</td>" for id "<script>"
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}
