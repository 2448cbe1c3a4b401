// A zipped OneRoster bundle: its CSV files are unpacked, streaming, into a temporary folder and read
// from there. Only the file names are kept (no paths), so an entry cannot write outside the folder.

import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { invalid } from '../../model/errors.js';

export async function unzipBundle(zipPath: string, into: string): Promise<string[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(zipPath, { lazyEntries: true }, (e, z) => (e || !z ? reject(e) : resolve(z))));
  } catch (e) {
    throw invalid('bad-zip', `${zipPath} is not a readable zip file (${(e as Error).message}); give a OneRoster bundle as a folder or a .zip of its CSV files.`);
  }
  const names: string[] = [];
  const taken = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = basename(entry.fileName);
      // Folders, non-CSV files and a second file of the same name (in another folder) are skipped.
      if (entry.fileName.endsWith('/') || !/\.csv$/i.test(name) || taken.has(name.toLowerCase()) || name.startsWith('.')) return zip.readEntry();
      taken.add(name.toLowerCase());
      zip.openReadStream(entry, (e, stream) => {
        if (e || !stream) return reject(e);
        pipeline(stream, createWriteStream(join(into, name)))
          .then(() => {
            names.push(name);
            zip.readEntry();
          })
          .catch(reject);
      });
    });
    zip.readEntry();
  }).catch((e) => {
    throw invalid('bad-zip', `${zipPath} could not be unpacked (${(e as Error).message}); give a OneRoster bundle as a folder or a .zip of its CSV files.`);
  });
  return names;
}
