/**
 * NestJS 12 and jose ship ES modules only. Node >= 20.19 loads them from our CommonJS build with
 * require(esm), but Jest on Node < 24.9 cannot. This transformer turns those packages into CommonJS for the test
 * runtime: `import.meta.url` becomes its CommonJS equivalent, then the TypeScript compiler (already a dependency)
 * rewrites import/export.
 */
const ts = require('typescript');
const { createHash } = require('node:crypto');

const VERSION = '4';
// An `import`/`export` statement at the start of a line, or `import.meta`. A CommonJS file's `exports.x = …` or
// `importScripts(…)` is not one: taking those for ES modules put most of node_modules through the TypeScript compiler
// for nothing (a cold run of one e2e file took 29 s instead of 20).
const ESM_SYNTAX = /^\s*(?:import\s*[{*'"]|import\s+[\w$]|export\s*[{*]|export\s+[\w$])|\bimport\.meta\b/m;

/** @type {import('@jest/transform').SyncTransformer} */
module.exports = {
  process(source, filename) {
    // CommonJS files (most of node_modules) pass through untouched.
    if (!ESM_SYNTAX.test(source)) return { code: source };
    const code = source
      // CommonJS already has `require`; an ES module that makes its own would redeclare it.
      .replace(/^\s*(?:const|let|var)\s+require\s*=\s*createRequire\(import\.meta\.url\);?\s*$/gm, '')
      .replace(/\bimport\.meta\.url\b/g, "require('node:url').pathToFileURL(__filename).href")
      .replace(/\bimport\.meta\.dirname\b/g, '__dirname')
      .replace(/\bimport\.meta\.filename\b/g, '__filename');
    const out = ts.transpileModule(code, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        allowJs: true,
        sourceMap: false,
        inlineSourceMap: false,
      },
    });
    return { code: out.outputText };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update(VERSION).update(ts.version).update(filename).update(source).digest('hex');
  },
};
