import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The chat page's files: plain HTML, CSS and JS, served as they are (no build step). */
export interface PageFiles {
  html: string;
  css: string;
  js: string;
}

/**
 * Reads the page from `public/` next to this module: beside the TypeScript source (tsx, ts-node), or,
 * from the compiled example in build/examples/nest-app/page/, in the source tree (tsc copies no
 * HTML), four levels up.
 */
export function readPageFiles(): PageFiles {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'public'), join(here, '..', '..', '..', '..', 'examples', 'nest-app', 'page', 'public')];
  const dir = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (dir === undefined) throw new Error(`The chat page's files are missing: looked for index.html in ${candidates.join(' and ')}.`);
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return { html: read('index.html'), css: read('chat.css'), js: read('chat.js') };
}
