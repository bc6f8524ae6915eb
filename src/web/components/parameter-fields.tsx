import { localInputToIso } from '../format.js';
import type { CurationDefinition, FieldIssue } from '../types.js';

/** A curation's declared parameters: name → type, default, description. */
export type ParameterDefinitions = NonNullable<CurationDefinition['parameters']>;
type Definition = ParameterDefinitions[string];

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value with seconds, in the viewer's zone. */
function localInputWithSeconds(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The text an input starts with: the default as that input writes it (a checkbox: `true`/`false`). */
function initialText(def: Definition): string {
  if (def.type === 'boolean') return String(def.default === true || def.default === 'true');
  if (def.default === undefined) return '';
  return def.type === 'timestamp' ? localInputWithSeconds(String(def.default)) : String(def.default);
}

/** Every field's starting text, defaults filled in. */
export function initialParameterTexts(defs: ParameterDefinitions): Record<string, string> {
  return Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, initialText(def)]));
}

/**
 * The `parameters` of a request: each field whose text is not its default's
 * (a field left at its default, or an emptied one that has a default, lets the
 * default apply, so the record lists what was chosen). Timestamps go as ISO
 * instants; a string parameter may be set to the empty string.
 *
 * @example parameterValues({ n: { type: 'int' }, r: { type: 'string', default: 'eu' } }, { n: '7', r: 'eu' }) // { n: '7' }
 */
export function parameterValues(defs: ParameterDefinitions, texts: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, def] of Object.entries(defs)) {
    const text = texts[name] ?? '';
    const hasDefault = def.default !== undefined;
    if (hasDefault && text === initialText(def)) continue;
    if (text === '' && (def.type !== 'string' || !hasDefault)) continue;
    out[name] = def.type === 'timestamp' ? (localInputToIso(text) ?? text) : text;
  }
  return out;
}

/** Paths of the issues these fields show (`parameters.NAME`). */
export const parameterPaths = (defs: ParameterDefinitions) => Object.keys(defs).map((name) => `parameters.${name}`);

function inputProps(def: Definition) {
  switch (def.type) {
    case 'int':
      return { type: 'number', step: '1', inputMode: 'numeric' } as const;
    case 'number':
      return { type: 'number', step: 'any', inputMode: 'decimal' } as const;
    case 'date':
      return { type: 'date' } as const;
    case 'timestamp':
      return { type: 'datetime-local', step: '1' } as const;
    default:
      return { type: 'text', spellcheck: false } as const;
  }
}

/**
 * One input per declared parameter, of its type (text, number, checkbox, date,
 * date-time in the viewer's zone), defaults filled in, required ones
 * required; an issue of the API about a parameter is shown at its field.
 */
export function ParameterFields({
  defs,
  texts,
  onChange,
  issues,
  idPrefix,
}: {
  defs: ParameterDefinitions;
  texts: Readonly<Record<string, string>>;
  onChange: (name: string, text: string) => void;
  issues: readonly FieldIssue[];
  idPrefix: string;
}) {
  return (
    <div class="param-fields">
      {Object.entries(defs).map(([name, def]) => {
        const id = `${idPrefix}-${name}`;
        const error = issues.find((i) => i.path === `parameters.${name}`)?.message;
        const required = def.default === undefined && def.type !== 'boolean';
        const hint = [def.type, def.description, required ? 'required' : undefined].filter(Boolean).join(' · ');
        const describedBy = [`${id}-hint`, error ? `${id}-err` : undefined].filter(Boolean).join(' ');
        const common = { id, name, 'aria-describedby': describedBy, 'aria-invalid': error ? ('true' as const) : undefined };
        return (
          <div key={name} class={`param-field${def.type === 'boolean' ? ' param-field-check' : ''}`}>
            <label for={id}>{name}</label>
            {def.type === 'boolean' ? (
              <input {...common} type="checkbox" checked={texts[name] === 'true'} onChange={(e) => onChange(name, String((e.target as HTMLInputElement).checked))} />
            ) : (
              <input {...common} {...inputProps(def)} required={required} value={texts[name] ?? ''} onInput={(e) => onChange(name, (e.target as HTMLInputElement).value)} />
            )}
            <span id={`${id}-hint`} class="muted small">
              {hint}
            </span>
            {error && (
              <span id={`${id}-err`} class="field-error">
                {error}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}
