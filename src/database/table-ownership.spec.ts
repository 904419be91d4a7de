import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import type { ModuleTables } from './table-ownership';

/**
 * One owner per table (src/database/table-ownership.ts): a module's code reads and writes only its own tables, and
 * reaches another's through that module's service, or a view or SQL fragment the owner exports by name.
 */
const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

const moduleOf = (file: string): string => relative(SRC, file).split('/')[0];
const where = (file: string, sf: ts.SourceFile, pos: number) => `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(pos).line + 1}`;

/** `TABLES` of every src/<module>/<module>.tables.ts. */
const declarations = new Map<string, ModuleTables>(
  readdirSync(SRC)
    .filter((m) => existsSync(join(SRC, m, `${m}.tables.ts`)))
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    .map((m) => [m, (require(join(SRC, m, `${m}.tables.ts`)) as { TABLES: ModuleTables }).TABLES]),
);

/** Tables and views the migrations create. */
const migrated = new Set(
  readdirSync(join(ROOT, 'migrations'))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .flatMap((f) => [
      ...readFileSync(join(ROOT, 'migrations', f), 'utf8').matchAll(
        /CREATE (?:OR REPLACE )?(?:TABLE|VIEW|MATERIALIZED VIEW) (?:IF NOT EXISTS )?"?([a-z_][a-z0-9_]*)"?/g,
      ),
    ])
    .map((m) => m[1]),
);

const owners = new Map<string, string[]>();
for (const [module, decl] of declarations) for (const t of decl.owns) owners.set(t, [...(owners.get(t) ?? []), module]);
const ownerOf = (table: string) => owners.get(table)?.[0];

const SQL_TABLE =
  /\b(FROM|JOIN|INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|LOCK\s+TABLE)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/g;

interface SqlRef {
  at: string;
  table: string;
  /** INSERT, UPDATE, DELETE, TRUNCATE or LOCK: a shared view is for reading only. */
  writes: boolean;
}

/** Every table named after FROM, JOIN, INSERT INTO, UPDATE, DELETE FROM... in a string or template literal of the file. */
function sqlRefs(sf: ts.SourceFile, file: string, node: ts.Node = sf): SqlRef[] {
  const refs: SqlRef[] = [];
  const visit = (n: ts.Node) => {
    if (
      ts.isStringLiteral(n) ||
      ts.isNoSubstitutionTemplateLiteral(n) ||
      ts.isTemplateHead(n) ||
      ts.isTemplateMiddle(n) ||
      ts.isTemplateTail(n)
    ) {
      const raw = n.getText(sf);
      for (const m of raw.matchAll(SQL_TABLE)) {
        if (migrated.has(m[2]))
          refs.push({ at: where(file, sf, n.getStart(sf) + m.index), table: m[2], writes: !/^(FROM|JOIN)$/.test(m[1]) });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return refs;
}

const sources = walk(SRC)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && f !== join(SRC, 'database', 'entities.ts'))
  .map((file) => ({
    file,
    module: moduleOf(file),
    sf: ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true),
  }));

/** The module and file an import of `file` resolves to, for relative imports into src. */
const importsOf = (file: string, sf: ts.SourceFile) =>
  sf.statements.filter(ts.isImportDeclaration).flatMap((d) => {
    const spec = (d.moduleSpecifier as ts.StringLiteral).text;
    if (!spec.startsWith('.')) return [];
    const target = resolve(dirname(file), spec) + '.ts';
    if (!target.startsWith(SRC + '/')) return [];
    const names =
      d.importClause?.namedBindings && ts.isNamedImports(d.importClause.namedBindings)
        ? d.importClause.namedBindings.elements.map((e) => (e.propertyName ?? e.name).text)
        : [];
    return [
      { at: where(file, sf, d.getStart(sf)), target, module: moduleOf(target), names, typeOnly: d.importClause?.isTypeOnly ?? false },
    ];
  });

/** Whether the code runs a query itself (`….query(…)`): then it is a read the owner exports, not SQL text to embed. */
const runsQuery = (node: ts.Node): boolean =>
  (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'query') ||
  (ts.forEachChild(node, runsQuery) ?? false);

/** Top-level exported functions and consts of a file that return SQL text naming tables, for a caller to embed. */
function sqlExports(sf: ts.SourceFile, file: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    const named: Array<[string, ts.Node]> =
      ts.isFunctionDeclaration(st) && st.name
        ? [[st.name.text, st]]
        : ts.isVariableStatement(st)
          ? st.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [[d.name.text, d] as [string, ts.Node]] : []))
          : [];
    for (const [name, node] of named) {
      if (runsQuery(node)) continue;
      const tables = sqlRefs(sf, file, node).map((r) => r.table);
      if (tables.length) found.set(name, tables);
    }
  }
  return found;
}

describe('one owner per table', () => {
  it('gives every table and view the migrations create exactly one owning module', () => {
    const problems = [
      ...[...migrated].filter((t) => !owners.has(t)).map((t) => `${t}: created by a migration but owned by no module`),
      ...[...owners].filter(([, ms]) => ms.length > 1).map(([t, ms]) => `${t}: owned by ${ms.join(' and ')}`),
      ...[...owners.keys()].filter((t) => !migrated.has(t)).map((t) => `${t}: declared but no migration creates it`),
      ...[...declarations].flatMap(([m, d]) =>
        (d.sharedViews ?? []).filter((v) => !d.owns.includes(v)).map((v) => `${m} shares the view ${v} it does not own`),
      ),
    ];
    expect(problems).toEqual([]);
  });

  it("keeps every module's SQL to the tables it owns, and the views their owner shares for reading", () => {
    const problems = sources.flatMap(({ file, module, sf }) =>
      sqlRefs(sf, file)
        .filter(
          ({ table, writes }) => ownerOf(table) !== module && (writes || !declarations.get(ownerOf(table)!)?.sharedViews?.includes(table)),
        )
        .map(({ at, table, writes }) => `${at} (${module}) ${writes ? 'writes' : 'reads'} ${table}, owned by ${ownerOf(table)}`),
    );
    expect(problems).toEqual([]);
  });

  it("never lets a module reach another module's entities", () => {
    const problems = sources.flatMap(({ file, module, sf }) =>
      importsOf(file, sf)
        .filter((i) => i.module !== module && /\.entit(y|ies)\.ts$/.test(i.target))
        .map((i) => `${i.at} (${module}) imports ${relative(ROOT, i.target)}`),
    );
    expect(problems).toEqual([]);
  });

  it('lets a module embed only the SQL fragments another module exports by name', () => {
    const exportsByFile = new Map(sources.map(({ file, sf }) => [file, sqlExports(sf, file)]));
    const problems = sources.flatMap(({ file, module, sf }) =>
      importsOf(file, sf)
        .filter((i) => i.module !== module)
        .flatMap((i) =>
          i.names
            .filter((n) => exportsByFile.get(i.target)?.has(n) && !declarations.get(i.module)?.sqlFragments?.includes(n))
            .map((n) => `${i.at} (${module}) embeds ${n}, SQL of ${i.module} that it does not export as a fragment`),
        ),
    );
    const undeclared = [...declarations].flatMap(([m, d]) =>
      (d.sqlFragments ?? [])
        .filter((n) => !sources.some((s) => s.module === m && exportsByFile.get(s.file)?.has(n)))
        .map((n) => `${m} declares the SQL fragment ${n} but exports no such SQL`),
    );
    expect([...problems, ...undeclared]).toEqual([]);
  });
});
