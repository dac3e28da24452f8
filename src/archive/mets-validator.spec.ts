import type { ArchivePackage } from '../core/connectors/ports';
import { archiveInputFixture } from './__tests__/archive-input.fixture';
import { findExecutableOnPath, MetsValidator } from './mets-validator';
import { PACKAGE_PATHS, SipPackageBuilder } from './sip-package.builder';

const pkg = new SipPackageBuilder().build(archiveInputFixture());
const metsXml = pkg.files.find((file) => file.path === 'METS.xml')!.content.toString('utf8');
const bogusPackageType = metsXml.replace('csip:OAISPACKAGETYPE="SIP"', 'csip:OAISPACKAGETYPE="BOGUS"');
const hasNativeXmllint = findExecutableOnPath('xmllint') !== null;

function replaceFile(original: ArchivePackage, path: string, content: Buffer): ArchivePackage {
  return {
    ...original,
    files: original.files.map((file) => (file.path === path ? { path, content } : file)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

describe('MetsValidator (XSD)', () => {
  const engines: Array<'native' | 'wasm'> = hasNativeXmllint ? ['native', 'wasm'] : ['wasm'];

  it.each(engines)('%s: a built METS.xml is valid', async (engine) => {
    const validator = new MetsValidator({ engine });
    expect(validator.engine).toBe(engine);
    await expect(validator.validate(metsXml)).resolves.toEqual({ valid: true, errors: [] });
  });

  it.each(engines)('%s: a bogus OAISPACKAGETYPE is invalid and the error names it', async (engine) => {
    const result = await new MetsValidator({ engine }).validate(bogusPackageType);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/OAISPACKAGETYPE/);
  });

  it.each(engines)('%s: a document that is not well-formed is invalid', async (engine) => {
    const result = await new MetsValidator({ engine }).validate(
      '<mets:mets xmlns:mets="http://www.loc.gov/METS/"><unclosed>',
    );
    expect(result.valid).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it('auto picks native when xmllint is on PATH, wasm otherwise', () => {
    expect(new MetsValidator().engine).toBe(hasNativeXmllint ? 'native' : 'wasm');
    const originalPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(new MetsValidator({ engine: 'auto' }).engine).toBe('wasm');
      expect(() => new MetsValidator({ engine: 'native' })).toThrow(/no xmllint/);
    } finally {
      process.env.PATH = originalPath;
    }
  });

  (hasNativeXmllint ? it : it.skip)('timing: median of 20 validations, native vs wasm', async () => {
    const timings: Record<string, number> = {};
    for (const engine of ['native', 'wasm'] as const) {
      const validator = new MetsValidator({ engine });
      await validator.validate(metsXml); // warm-up (module load, page cache)
      const samples: number[] = [];
      for (let run = 0; run < 20; run += 1) {
        const started = process.hrtime.bigint();
        const result = await validator.validate(metsXml);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(result.valid).toBe(true);
      }
      timings[engine] = median(samples);
    }
    // Reported, not asserted tightly: machines differ. Native must at least not be slower.
    console.log(
      `METS.xml validation median of 20: native ${timings.native!.toFixed(1)} ms, wasm ${timings.wasm!.toFixed(1)} ms`,
    );
    expect(timings.native!).toBeLessThan(timings.wasm!);
  });
});

describe('MetsValidator.checkPackageProfile', () => {
  const validator = new MetsValidator();

  it('finds nothing wrong with a built package', () => {
    expect(validator.checkPackageProfile(pkg)).toEqual([]);
  });

  it('names the file whose bytes changed', () => {
    const pdf = pkg.files.find((file) => file.path === PACKAGE_PATHS.pdf)!.content;
    const tampered = Buffer.from(pdf);
    tampered[10] = tampered[10]! ^ 0xff;
    const problems = validator.checkPackageProfile(replaceFile(pkg, PACKAGE_PATHS.pdf, tampered));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(PACKAGE_PATHS.pdf);
    expect(problems[0]).toContain('CHECKSUM');
  });

  it('notices a size change of a metadata file', () => {
    const premis = pkg.files.find((file) => file.path === PACKAGE_PATHS.preservation)!.content;
    const problems = validator.checkPackageProfile(
      replaceFile(pkg, PACKAGE_PATHS.preservation, Buffer.concat([premis, Buffer.from('\n')])),
    );
    expect(
      problems.some((problem) => problem.includes(PACKAGE_PATHS.preservation) && problem.includes('SIZE')),
    ).toBe(true);
  });

  it('reports unreferenced and missing files', () => {
    const extra = {
      ...pkg,
      files: [...pkg.files, { path: 'representations/rep1/data/stray.txt', content: Buffer.from('x') }],
    };
    expect(validator.checkPackageProfile(extra)).toEqual([
      'representations/rep1/data/stray.txt is in the package but not referenced from METS.xml',
    ]);
    const missing = { ...pkg, files: pkg.files.filter((file) => file.path !== 'schemas/xlink.xsd') };
    expect(validator.checkPackageProfile(missing).join('\n')).toContain(
      'schemas/xlink.xsd is referenced but not in the package',
    );
  });

  it('checks OBJID, CHECKSUMTYPE, structMap label and required attributes', () => {
    expect(validator.checkPackageProfile({ ...pkg, objectId: 'other-folder' }).join('\n')).toContain(
      'does not equal the package root folder name',
    );
    const withMets = (xml: string) => replaceFile(pkg, 'METS.xml', Buffer.from(xml, 'utf8'));
    expect(
      validator
        .checkPackageProfile(withMets(metsXml.replace('CHECKSUMTYPE="SHA-256"', 'CHECKSUMTYPE="MD5"')))
        .join('\n'),
    ).toContain('@CHECKSUMTYPE must be "SHA-256"');
    expect(
      validator.checkPackageProfile(withMets(metsXml.replace('LABEL="CSIP"', 'LABEL="Other"'))).join('\n'),
    ).toContain('structMap LABEL="CSIP"');
    expect(
      validator.checkPackageProfile(withMets(metsXml.replace(/ MIMETYPE="application\/pdf"/, ''))).join('\n'),
    ).toContain('@MIMETYPE is missing');
    expect(validator.checkPackageProfile(withMets(bogusPackageType)).join('\n')).toContain('OAISPACKAGETYPE');
    expect(validator.checkPackageProfile(withMets('<not-xml'))).toEqual([
      expect.stringContaining('not well-formed'),
    ]);
  });
});
