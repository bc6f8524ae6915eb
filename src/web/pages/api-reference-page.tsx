import { useEffect, useState } from 'preact/hooks';

// The parts of an OpenAPI 3.1 document this page reads.
interface Schema {
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly description?: string;
  readonly properties?: Record<string, Schema>;
  readonly required?: string[];
  readonly items?: Schema;
  readonly enum?: unknown[];
  readonly anyOf?: Schema[];
  readonly oneOf?: Schema[];
}
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: Schema;
}
interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: string[];
  readonly parameters?: Parameter[];
  readonly requestBody?: { content?: Record<string, { schema?: Schema }> };
  readonly responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  readonly info: { title: string; version: string; description?: string };
  readonly servers?: { url: string }[];
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** A schema in one line: a named component, an array of one, an enum, or its type. */
function typeOf(s: Schema | undefined): string {
  if (!s) return '';
  if (s.$ref) return s.$ref.split('/').at(-1)!;
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.items) return `${typeOf(s.items)}[]`;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' | ');
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? 'object';
}

function bodyType(content: Record<string, { schema?: Schema }> | undefined): string {
  const json = content?.['application/json'];
  return json ? typeOf(json.schema) : content ? Object.keys(content).join(', ') : '';
}

function SchemaFields({ schema }: { schema: Schema }) {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0) return <p class="muted small">{typeOf(schema)}</p>;
  return (
    <table class="data">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {props.map(([name, p]) => (
          <tr key={name}>
            <td class="mono">
              {name}
              {schema.required?.includes(name) ? '' : '?'}
            </td>
            <td class="mono small">{typeOf(p)}</td>
            <td>{p.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OperationView({ method, path, op, base }: { method: string; path: string; op: Operation; base: string }) {
  const params = op.parameters ?? [];
  return (
    <details class="card api-op" data-operation={`${method.toUpperCase()} ${path}`}>
      <summary>
        <span class={`api-method api-${method}`}>{method.toUpperCase()}</span> <code>{base + path}</code> <span class="muted">{op.summary}</span>
      </summary>
      {op.description && <p>{op.description}</p>}
      {params.length > 0 && (
        <table class="data">
          <caption class="visually-hidden">Parameters</caption>
          <thead>
            <tr>
              <th scope="col">Parameter</th>
              <th scope="col">In</th>
              <th scope="col">Type</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {params.map((p) => (
              <tr key={`${p.in}:${p.name}`}>
                <td class="mono">
                  {p.name}
                  {p.required ? '' : '?'}
                </td>
                <td>{p.in}</td>
                <td class="mono small">{typeOf(p.schema)}</td>
                <td>{p.description ?? p.schema?.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {op.requestBody && (
        <p>
          Body: <code>{bodyType(op.requestBody.content)}</code>
        </p>
      )}
      <ul class="api-responses">
        {Object.entries(op.responses ?? {}).map(([code, r]) => (
          <li key={code}>
            <code>{code}</code> {r.description} {r.content && <code class="muted">{bodyType(r.content)}</code>}
          </li>
        ))}
      </ul>
    </details>
  );
}

/**
 * The API reference, read from the server's own OpenAPI document (served
 * without a token: it holds no data): operations by tag, their parameters,
 * bodies and responses, then the schemas they name.
 */
export function ApiReferencePage() {
  const [doc, setDoc] = useState<Document>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const controller = new AbortController();
    fetch('/api/v1/openapi.json', { signal: controller.signal, headers: { accept: 'application/json' } })
      .then(async (res) => {
        if (!res.ok) throw new Error(`the server answered ${res.status}`);
        setDoc((await res.json()) as Document);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, []);
  if (error) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>API reference</h1>
        <p class="notice notice-error">Could not load the OpenAPI document: {error}</p>
      </main>
    );
  }
  if (!doc) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>API reference</h1>
        <p class="muted">Loading…</p>
      </main>
    );
  }
  const base = doc.servers?.[0]?.url ?? '';
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  const schemas = Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <main id="main" class="api-reference">
      <div class="page-head">
        <h1 tabIndex={-1}>
          {doc.info.title} <span class="muted small">v{doc.info.version}</span>
        </h1>
        <div class="spacer" />
        <a class="btn" href="/api/v1/openapi.json" download="adp-openapi.json">
          OpenAPI document
        </a>
      </div>
      {doc.info.description && <p>{doc.info.description}</p>}
      <p class="muted">
        Every route needs <code>Authorization: Bearer &lt;token&gt;</code> (or this dashboard's session); the document itself is readable without one.
      </p>
      {[...byTag].map(([tag, ops]) => (
        <section key={tag} aria-labelledby={`tag-${tag}`}>
          <h2 id={`tag-${tag}`}>{tag}</h2>
          {ops.map((o) => (
            <OperationView key={`${o.method} ${o.path}`} method={o.method} path={o.path} op={o.op} base={base} />
          ))}
        </section>
      ))}
      <section aria-labelledby="schemas-h">
        <h2 id="schemas-h">Schemas</h2>
        {schemas.map(([name, schema]) => (
          <details key={name} class="card api-schema" id={`schema-${name}`}>
            <summary class="mono">{name}</summary>
            {schema.description && <p>{schema.description}</p>}
            <SchemaFields schema={schema} />
          </details>
        ))}
      </section>
    </main>
  );
}
