'use strict';
/**
 * Loads TypeScript sources in a worker thread started from the sources (the tests run the sources; a worker thread
 * has no ts-jest): each file transpiled on its own, as ts-node's transpile-only mode does and the project's
 * `isolatedModules` allows, and its JavaScript kept in the temp directory by its content. A test run starts dozens of
 * worker threads (reports, documents, audit walks, the planner) over the same few hundred files: each is compiled
 * once, and TypeScript itself is loaded only when a file is not in the cache. `npm start` never uses this: it runs
 * the compiled JavaScript.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createHash } = require('node:crypto');

const ROOT = path.join(__dirname, '..');
/** @type {{ compilerOptions: Record<string, unknown> }} */
const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
/** @type {{ version: string }} */
const tsPackage = JSON.parse(fs.readFileSync(require.resolve('typescript/package.json'), 'utf8'));
// What the JavaScript depends on besides a file's text: this loader, the compiler's version and the options.
const SALT = `1:${tsPackage.version}:${JSON.stringify(tsconfig.compilerOptions)}`;
const CACHE = path.join(os.tmpdir(), `amhp-hub-ts-${createHash('sha1').update(`${ROOT}:${SALT}`).digest('hex').slice(0, 12)}`);

/** @type {typeof import('typescript') | undefined} */
let ts;
/** @param {string} source @param {string} fileName */
function transpile(source, fileName) {
  ts ??= require('typescript');
  return ts.transpileModule(source, {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2023,
      esModuleInterop: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      resolveJsonModule: true,
      sourceMap: false,
    },
  }).outputText;
}

/** @param {NodeJS.Module} module @param {string} fileName */
function loadTs(module, fileName) {
  const source = fs.readFileSync(fileName, 'utf8');
  const cached = path.join(CACHE, `${createHash('sha1').update(SALT).update(fileName).update('\0').update(source).digest('hex')}.js`);
  let js;
  try {
    js = fs.readFileSync(cached, 'utf8');
  } catch {
    js = transpile(source, fileName);
    try {
      // Written aside, then renamed: threads compiling the same file at once never read half of one.
      fs.mkdirSync(CACHE, { recursive: true });
      const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      fs.writeFileSync(partial, js);
      fs.renameSync(partial, cached);
    } catch {
      // Not writable here (another user's directory, a read-only temp): the file is compiled each time instead.
    }
  }
  /** @type {NodeJS.Module & { _compile(code: string, fileName: string): void }} */ (module)._compile(js, fileName);
}

require.extensions['.ts'] = loadTs;
