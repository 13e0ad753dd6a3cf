import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { LOCAL_DIR, ROOT } from '../shared/paths.js';
import { progress } from '../shared/progress.js';
import { capture, run, tail } from '../shared/run.js';

/** The harness: pom.xml (event-ruler, pinned) and the one class that runs it. */
const HARNESS_DIR = path.join(ROOT, 'scripts', 'validators', 'event-ruler');
const HARNESS_FILES = ['pom.xml', 'MatchPatterns.java'];
const CACHE_DIR = path.join(LOCAL_DIR, 'event-ruler');
const BUILT_MARKER = '.built';

export interface NamedPattern {
  /** Reported when the pattern matches; several patterns may share a name (any one matches). */
  readonly name: string;
  /** An EventBridge event pattern, as JSON. */
  readonly pattern: unknown;
}

function requireTools(): void {
  const missing = [
    ['java', '-version'],
    ['javac', '-version'],
    ['mvn', '-v'],
  ].filter(
    ([command, flag]) => spawnSync(command as string, [flag as string], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `the event-ruler check needs a JDK 17+ (java, javac) and Maven 3.8+ (mvn) on PATH; not found: ${missing
        .map(([c]) => c)
        .join(', ')}. Install them (on Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven).`,
    );
  }
}

/**
 * Builds the harness into .local/event-ruler/<hash of pom.xml and source> on first use
 * (Maven fetches event-ruler once into ~/.m2; javac compiles the class) and returns its Java
 * class path. A rerun with the same files finds the build and takes no time.
 */
export async function ensureEventRuler(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of HARNESS_FILES) hash.update(file).update(readFileSync(path.join(HARNESS_DIR, file)));
  const key = hash.digest('hex').slice(0, 16);
  const dir = path.join(CACHE_DIR, key);
  const classpath = [path.join(dir, 'classes'), path.join(dir, 'lib', '*')].join(path.delimiter);
  if (existsSync(path.join(dir, BUILT_MARKER))) return classpath;

  requireTools();
  progress.step('Building the event-ruler harness into .local/event-ruler (first run only)');
  // Built aside and moved into place, so an interrupted or concurrent build is never used half-done.
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await run(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        path.join(HARNESS_DIR, 'pom.xml'),
        'dependency:copy-dependencies',
        `-DoutputDirectory=${path.join(staging, 'lib')}`,
      ],
      { quiet: true, cwd: HARNESS_DIR },
    );
    await run(
      'javac',
      [
        '-encoding',
        'UTF-8',
        '--release',
        '17',
        '-d',
        path.join(staging, 'classes'),
        '-cp',
        path.join(staging, 'lib', '*'),
        path.join(HARNESS_DIR, 'MatchPatterns.java'),
      ],
      { quiet: true },
    );
    writeFileSync(path.join(staging, BUILT_MARKER), `${new Date().toISOString()}\n`);
    // Builds of older harness versions are of no further use.
    for (const old of readdirSync(CACHE_DIR)) {
      if (old !== path.basename(staging)) rmSync(path.join(CACHE_DIR, old), { recursive: true, force: true });
    }
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(path.join(dir, BUILT_MARKER))) return classpath; // a concurrent build won
    throw new Error(
      `could not build the event-ruler harness: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  progress.ok('event-ruler harness built');
  return classpath;
}

/**
 * For each event, in order, the sorted, distinct names of the patterns that AWS's event-ruler
 * matches it with. Throws if event-ruler rejects a pattern.
 */
export async function matchWithEventRuler(
  patterns: readonly NamedPattern[],
  events: readonly unknown[],
): Promise<string[][]> {
  const classpath = await ensureEventRuler();
  const result = await capture('java', ['-cp', classpath, 'MatchPatterns'], {
    input: JSON.stringify({ patterns, events }),
  });
  if (result.code !== 0) throw new Error(`event-ruler: ${tail(result)}`);
  const { matches } = JSON.parse(result.stdout) as { matches: string[][] };
  if (matches.length !== events.length) {
    throw new Error(`event-ruler answered for ${matches.length} of ${events.length} events.`);
  }
  return matches;
}
