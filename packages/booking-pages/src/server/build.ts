import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

/** The package's folder. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Every build lives in `dist/pages/<hash of its sources>`; a build of other sources has another name. */
const buildsOf = (root: string) => join(root, 'dist', 'pages');
/** What the pages are built from, in the package: a change to any of these is a new build. */
export const PACKAGE_INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'tsconfig.app.json', 'src/app'];
const WORKSPACE = join(PACKAGE_ROOT, '..', '..');
/**
 * What else decides the bundle, wherever the package is built: the workspace's lockfile (the
 * versions of Preact, Vite and the compilers and minifiers Vite brings), the TypeScript settings
 * Vite reads, and this file (how it builds and compresses).
 */
const TOOLCHAIN_INPUTS = [
  join(WORKSPACE, 'pnpm-lock.yaml'),
  join(WORKSPACE, 'tsconfig.base.json'),
  join(PACKAGE_ROOT, 'tsconfig.json'),
  fileURLToPath(import.meta.url),
];
/**
 * How long an older build is kept after a process last said it serves it (the gateway touches its
 * build's folder at start and every hour): a build in use is never removed under it.
 */
const UNUSED_FOR_MS = 24 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 60 * 1000;
/** Assets worth serving compressed; the build writes `.gz` and `.br` beside each. */
const COMPRESSIBLE = /\.(?:js|css|html|svg|json|txt)$/;

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry.name))));
  return nested.flat().sort();
}

/** A hash of every input file (path and content) and of the toolchain's files (the lockfile names every tool's version). */
export async function sourceHash(root = PACKAGE_ROOT): Promise<string> {
  const hash = createHash('sha256');
  for (const input of PACKAGE_INPUTS) {
    for (const file of await filesUnder(join(root, input))) {
      hash.update(`\0${relative(root, file)}\0`).update(await readFile(file));
    }
  }
  for (const file of TOOLCHAIN_INPUTS) {
    // A checkout without a lockfile still builds; its hash says which file was missing.
    hash.update(`\0${relative(WORKSPACE, file)}\0`).update(await readFile(file).catch(() => 'missing'));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Says that this process serves `folder`, now and every hour while it runs, so no build elsewhere
 * removes it as unused; returns the function that stops saying so.
 */
export function holdBuild(folder: string): () => void {
  const touch = () => {
    const now = new Date();
    void utimes(folder, now, now).catch(() => {});
  };
  touch();
  const timer = setInterval(touch, TOUCH_EVERY_MS).unref();
  return () => clearInterval(timer);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function compressAll(folder: string): Promise<void> {
  for (const file of await filesUnder(join(folder, 'assets'))) {
    if (!COMPRESSIBLE.test(file)) continue;
    const content = await readFile(file);
    await writeFile(`${file}.gz`, gzipSync(content, { level: 9 }));
    await writeFile(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}

/**
 * The folder of the pages built from the sources as they are now, built first when they are not
 * (at install, and again at start after any change): a stale build cannot be served, because a
 * build is found only by the hash of the sources it was made from. Several processes may call
 * this at once: each builds into a folder of its own and the first rename wins.
 */
export async function ensureBuilt(log: (message: string) => void = () => {}, root = PACKAGE_ROOT): Promise<string> {
  const hash = await sourceHash(root);
  const builds = buildsOf(root);
  const folder = join(builds, hash);
  if (await exists(join(folder, 'index.html'))) return folder;
  log(`building the booking pages (sources ${hash})`);
  const scratch = join(builds, `.build-${hash}-${randomBytes(4).toString('hex')}`);
  await mkdir(builds, { recursive: true });
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), root, build: { outDir: scratch, emptyOutDir: true } });
  await compressAll(scratch);
  await rename(scratch, folder).catch(async (error: NodeJS.ErrnoException) => {
    // Another process finished the same build first: theirs is as good as ours.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    await rm(scratch, { recursive: true, force: true });
  });
  // Older builds are of sources that no longer exist, but a process started earlier may still
  // serve one: each is removed only once no process has held it for a day (`holdBuild`).
  for (const entry of await readdir(builds)) {
    const path = join(builds, entry);
    const touchedAt = await stat(path).then(
      (info) => info.mtimeMs,
      () => Date.now(),
    );
    if (entry !== hash && Date.now() - touchedAt > UNUSED_FOR_MS) {
      await rm(path, { recursive: true, force: true });
    }
  }
  return folder;
}
