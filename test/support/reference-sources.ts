import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Small stand-ins for the official reference-data publishers (no internet on CI machines): the
 * fixture files in their upstream formats, a ZIP writer for the UNECE archive, and a `node:http`
 * server on 127.0.0.1 laid out as `BASE/<host>/<path>` (see `mirroredUrl`).
 */

/** Writes a ZIP archive (PKWARE APPNOTE.TXT 4.3): stored or deflated entries, no ZIP64. */
export function writeZip(files: ReadonlyArray<{ name: string; data: Buffer; store?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const body = file.store ? file.data : deflateRawSync(file.data);
    const crc = crc32(file.data) >>> 0;
    const method = file.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const HS_HEADER = 'section,hscode,description,parent,level';

export const HS2022_CSV = [
  HS_HEADER,
  'I,01,Animals; live,TOTAL,2',
  'I,0101,"Horses, asses, mules and hinnies; live",01,4',
  'I,010121,"Horses; live, pure-bred breeding animals",0101,6',
  'VI,30,Pharmaceutical products,TOTAL,2',
  'VI,3002,"Human blood; animal blood, antisera, vaccines",30,4',
  'VI,300241,"Vaccines; for human medicine",3002,6',
  'XVI,85,Electrical machinery and equipment,TOTAL,2',
  'XVI,8549,Electrical and electronic waste and scrap,85,4',
  'XVI,854911,"Waste and scrap of lead-acid accumulators",8549,6',
  'TOTAL,999999,Commodities not specified according to kind,9999,6',
].join('\n');

export const HS2017_CSV = [
  `\ufeff${HS_HEADER}`,
  'I,01,Animals; live,TOTAL,2',
  'I,0101,"Horses, asses, mules and hinnies; live",01,4',
  'I,010121,"Horses; live, pure-bred breeding animals",0101,6',
  'VI,30,Pharmaceutical products,TOTAL,2',
  'VI,3002,"Human blood; animal blood, antisera, vaccines",30,4',
  'VI,300220,"Vaccines for human medicine",3002,6',
].join('\n');

export const SECTIONS_CSV =
  '\ufeffsection,name\nI,live animals; animal products\nVI,Products of the chemical industries\n';

export const COUNTRIES_CSV = [
  'FIFA,ISO3166-1-Alpha-3,ISO3166-1-Alpha-2,official_name_en,CLDR display name,UNTERM English Short',
  'KOR,KOR,KR,Republic of Korea,South Korea,Republic of Korea (the)',
  'NED,NLD,NL,Netherlands,Netherlands,Netherlands (Kingdom of the)',
  'SUI,CHE,CH,Switzerland,Switzerland,Switzerland',
  ',,,Sark,,',
].join('\n');

export const ISO4217_LIST_ONE = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ISO_4217 Pblshd="2026-01-01">
  <CcyTbl>
    <CcyNtry><CtryNm>ALBANIA</CtryNm><CcyNm>Lek</CcyNm><Ccy>ALL</Ccy><CcyNbr>008</CcyNbr><CcyMnrUnts>2</CcyMnrUnts></CcyNtry>
    <CcyNtry><CtryNm>ANTARCTICA</CtryNm><CcyNm>No universal currency</CcyNm></CcyNtry>
    <CcyNtry><CtryNm>BOLIVIA (PLURINATIONAL STATE OF)</CtryNm><CcyNm IsFund="true">Mvdol</CcyNm><Ccy>BOV</Ccy><CcyNbr>984</CcyNbr><CcyMnrUnts>2</CcyMnrUnts></CcyNtry>
    <CcyNtry><CtryNm>BONAIRE, SINT EUSTATIUS AND SABA</CtryNm><CcyNm>US Dollar</CcyNm><Ccy>USD</Ccy><CcyNbr>840</CcyNbr><CcyMnrUnts>2</CcyMnrUnts></CcyNtry>
    <CcyNtry><CtryNm>KOREA (THE REPUBLIC OF)</CtryNm><CcyNm>Won</CcyNm><Ccy>KRW</Ccy><CcyNbr>410</CcyNbr><CcyMnrUnts>0</CcyMnrUnts></CcyNtry>
    <CcyNtry><CtryNm>ÅLAND ISLANDS</CtryNm><CcyNm>Euro</CcyNm><Ccy>EUR</Ccy><CcyNbr>978</CcyNbr><CcyMnrUnts>2</CcyMnrUnts></CcyNtry>
    <CcyNtry><CtryNm>ZZ01_Bond Markets Unit European_EURCO</CtryNm><CcyNm>Bond Markets Unit European Composite Unit (EURCO)</CcyNm><Ccy>XBA</Ccy><CcyNbr>955</CcyNbr><CcyMnrUnts>N.A.</CcyMnrUnts></CcyNtry>
  </CcyTbl>
</ISO_4217>
`;

export const ISO4217_LIST_THREE = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ISO_4217 Pblshd="2026-01-01">
  <HstrcCcyTbl>
    <HstrcCcyNtry><CtryNm>ALBANIA</CtryNm><CcyNm>Old Lek</CcyNm><Ccy>ALK</Ccy><CcyNbr>008</CcyNbr><WthdrwlDt>1989-12</WthdrwlDt></HstrcCcyNtry>
    <HstrcCcyNtry><CtryNm>NETHERLANDS</CtryNm><CcyNm>Netherlands Guilder</CcyNm><Ccy>NLG</Ccy><CcyNbr>528</CcyNbr><WthdrwlDt>2002-03</WthdrwlDt></HstrcCcyNtry>
  </HstrcCcyTbl>
</ISO_4217>
`;

/** UNECE CodeListPart1, Latin-1 as UNECE long published it (no header; Function before Status). */
export const LOCODE_PART1 = Buffer.from(
  [
    ',"CH",,".SWITZERLAND",,,,,,,,',
    ',"CH","ZRH","Zürich","Zurich","ZH","1234----","AI","0701","","4723N 00832E",""',
    '"X","CH","OLD","Old place","Old place","","--3-----","XX","0701","","",""',
    '"=","CH","","Zurich = Zürich","Zurich = Zurich","",,"",,"","",""',
    ',"CH","B1?","Broken code","Broken code","","--3-----","RL","0701","","",""',
  ].join('\r\n'),
  'latin1',
);

/** UNECE CodeListPart2, UTF-8 as in recent releases. */
export const LOCODE_PART2 = Buffer.from(
  [
    ',"NL",,".NETHERLANDS",,,,,,,,',
    ',"NL","RTM","Rotterdam","Rotterdam","ZH","12345---","AI","0701","","5155N 00430E",""',
    ',"IT","940","Villanova","Villanova","PE","-----6--","RQ","1007","","4222N 01407E",""',
    ',"KR","PUS","Busan","Busan","26","1234----","AI","0701","PUS","3506N 12903E","Pusan"',
    ',"AR","USH","Ushuaia","Ushuaia","V","1--4----","AI","0701","","5448S 06818W",""',
  ].join('\r\n'),
  'utf8',
);

export const LOCODE_SUBDIVISIONS = Buffer.from(
  '"CH","ZH","Zürich","Canton"\r\n"NL","ZH","Zuid-Holland","Province"\r\n',
  'latin1',
);

export function locodeZip(edition = '2025-1'): Buffer {
  return writeZip([
    { name: `${edition} UNLOCODE CodeListPart2.csv`, data: LOCODE_PART2 },
    { name: `${edition} UNLOCODE CodeListPart1.csv`, data: LOCODE_PART1 },
    { name: `${edition} SubdivisionCodes.csv`, data: LOCODE_SUBDIVISIONS, store: true },
    { name: `${edition} UNLOCODE SecretariatNotes.txt`, data: Buffer.from('notes') },
  ]);
}

export const REGULATORY_CSV = [
  'concern,subconcern,hs_code,level,hs2022_description,basis,confidence,notes',
  'medical,vaccine,300241,6,"Vaccines; for human medicine",WCO-WHO reference,high,all human vaccines',
  'basel_waste,e-waste,8549,4,Electrical and electronic waste and scrap,Basel Annex VIII,medium,',
].join('\n');

/** Minimum-row overrides that fit these small fixtures. */
export const FIXTURE_MINIMUM_ROWS: Readonly<Record<string, number>> = {
  'hs/hs2022.csv': 5,
  'hs/hs2017.csv': 5,
  'hs/sections.csv': 2,
  'countries/country-codes.csv': 3,
  'currencies/codes-all.csv': 5,
  'un-locode/code-list.csv': 4,
  'un-locode/subdivision-codes.csv': 2,
};

/** Upstream path (host + path, as `mirroredUrl` lays it out) -> body. */
export function upstreamFiles(edition = '2025-1'): Map<string, Buffer> {
  const release = `${edition.slice(2, 4)}${edition.slice(5)}`;
  const six = 'www.six-group.com/dam/download/financial-information/data-center/iso-currrency/lists';
  return new Map([
    [
      'raw.githubusercontent.com/datasets/harmonized-system/main/data/harmonized-system.csv',
      Buffer.from(HS2022_CSV),
    ],
    [
      'raw.githubusercontent.com/datasets/harmonized-system/main/data/sections.csv',
      Buffer.from(SECTIONS_CSV),
    ],
    [
      'raw.githubusercontent.com/datasets/harmonized-system/a72bef25b2749cd04a824b8b46b71c89e566b4bb/data/harmonized-system.csv',
      Buffer.from(HS2017_CSV),
    ],
    [
      'raw.githubusercontent.com/datasets/country-codes/main/data/country-codes.csv',
      Buffer.from(COUNTRIES_CSV),
    ],
    [`${six}/list-one.xml`, Buffer.from(ISO4217_LIST_ONE)],
    [`${six}/list-three.xml`, Buffer.from(ISO4217_LIST_THREE)],
    [`service.unece.org/trade/locode/loc${release}csv.zip`, locodeZip(edition)],
  ]);
}

/** A data directory holding only `hs-regulatory/` (what `--from` points at). */
export function writeRegulatoryDir(dir: string): string {
  mkdirSync(join(dir, 'hs-regulatory'), { recursive: true });
  writeFileSync(join(dir, 'hs-regulatory', 'hs2022-regulatory-flags.csv'), REGULATORY_CSV);
  writeFileSync(
    join(dir, 'hs-regulatory', 'SOURCE.md'),
    '# HS 2022 -> regulatory concern flags\n\nAssembled for tests.\n',
  );
  return dir;
}

export interface FixtureServer {
  baseUrl: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** Files served; tests replace or delete entries to simulate a broken upstream. */
  files: Map<string, Buffer>;
  close(): Promise<void>;
}

/** Serves `files` on 127.0.0.1 at `/<host>/<path>`; anything else is a 404. */
export async function startFixtureServer(
  files: Map<string, Buffer> = upstreamFiles(),
): Promise<FixtureServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    requests.push(path);
    const body = files.get(path);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    files,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
