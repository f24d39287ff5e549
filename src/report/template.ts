/**
 * Report templates: folders with conf.json, template.html, style.css and report.js. A template may name a `base`
 * in conf.json; files it lacks are taken from the base (as nbconvert's template inheritance). The built-in ones
 * live in reports/templates of the semslice package.
 *
 * @example
 * listTemplates() // [{ name: 'default', description: '...', dir: '/.../reports/templates/default' }]
 * const t = loadTemplate('default');
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, unknownNameError } from './errors.js';

export interface TemplateConf {
  name?: string;
  description?: string;
  /** Name or path of the template this one extends. */
  base?: string | null;
  /** Preprocessor names in run order (default: the built-in order). */
  preprocessors?: string[];
  /** MIME types in display priority (default: the built-in priority). */
  mimePriority?: string[];
}

export interface Template {
  name: string;
  /** Folders searched for files, this template first, then its bases. */
  chain: string[];
  conf: TemplateConf;
  html: string;
  css: string;
  js: string;
}

export interface TemplateInfo { name: string; description: string; dir: string }

/** The package root: the first folder above this module with reports/templates (same from src/ and dist/). */
export function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'reports', 'templates'))) return dir;
    if (dirname(dir) === dir) return resolve(here, '..', '..');
  }
}

export function templatesDir(): string {
  return join(packageRoot(), 'reports', 'templates');
}

function readConf(dir: string): TemplateConf {
  const file = join(dir, 'conf.json');
  if (!existsSync(file)) throw fail('TEMPLATE_INVALID', { dir, case: 'no-conf' });
  try {
    const conf = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof conf !== 'object' || conf === null || Array.isArray(conf)) throw new Error('not an object');
    return conf as TemplateConf;
  } catch (e) {
    throw fail('TEMPLATE_INVALID', { dir, case: 'conf-not-object', error: (e as Error).message });
  }
}

/** The built-in templates (folders under reports/templates with a conf.json), sorted by name. */
export function listTemplates(): TemplateInfo[] {
  const root = templatesDir();
  if (!existsSync(root)) return [];
  return readdirSync(root).sort().filter((n) => existsSync(join(root, n, 'conf.json'))).map((n) => {
    const conf = readConf(join(root, n));
    return { name: n, description: conf.description ?? '', dir: join(root, n) };
  });
}

function locate(nameOrPath: string, from: string): string {
  const looksLikePath = nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.startsWith('.');
  if (looksLikePath || isAbsolute(nameOrPath)) {
    const dir = resolve(from, nameOrPath);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw fail('TEMPLATE_INVALID', { dir, case: 'no-folder' });
    return dir;
  }
  const dir = join(templatesDir(), nameOrPath);
  if (!existsSync(join(dir, 'conf.json'))) {
    throw unknownNameError('UNKNOWN_TEMPLATE', 'report template', nameOrPath, listTemplates().map((t) => t.name));
  }
  return dir;
}

/** Resolve a template by name (under reports/templates) or folder path, following `base` links. */
export function loadTemplate(nameOrPath = 'default'): Template {
  const chain: string[] = [];
  let conf: TemplateConf | undefined;
  let next: string | null | undefined = nameOrPath;
  let from = process.cwd();
  while (next) {
    const dir = locate(next, from);
    if (chain.includes(dir)) throw fail('TEMPLATE_INVALID', { dir, case: 'loop', chain: [...chain, dir] });
    chain.push(dir);
    const c = readConf(dir);
    // Settings come from the most specific template that sets them.
    conf = conf ? { ...c, ...conf } : c;
    next = c.base ?? null;
    from = dir;
  }
  const read = (file: string, required: boolean): string => {
    for (const dir of chain) if (existsSync(join(dir, file))) return readFileSync(join(dir, file), 'utf8');
    if (required) throw fail('TEMPLATE_INVALID', { dir: chain[0]!, case: 'missing-file', file });
    return '';
  };
  return { name: conf?.name ?? nameOrPath, chain, conf: conf ?? {}, html: read('template.html', true), css: read('style.css', true), js: read('report.js', false) };
}

/**
 * Fill `{{name}}` placeholders in one pass, so values that contain `{{` or `$` are never re-interpreted.
 * Unknown placeholders are left empty.
 */
export function fillTemplate(html: string, values: Record<string, string>): string {
  return html.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, k: string) => values[k] ?? '');
}
