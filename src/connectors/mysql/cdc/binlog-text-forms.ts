/**
 * Text forms the server prints and the binlog does not carry: doubles inside geometry and JSON
 * (my_gcvt), geometries as ST_AsText (from the stored SRID + WKB), INET4/INET6, MariaDB UUID,
 * and strings in MySQL character sets. read() gets these as the server's text; change capture
 * rebuilds them from the stored bytes so both yield the same canonical values. Pure.
 */

/**
 * A double as the server's my_gcvt prints it: the shortest digits that read back as the same
 * double, in fixed notation when the decimal point is within 15 places (and, beyond it, while
 * the digits reach it), else d.ddde[-]n.
 */
export function serverDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', exp = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const len = digits.length;
  // decpt: the value is 0.<digits> x 10^decpt.
  const decpt = Number(exp) + 1;
  const maxFixed = 15;
  if (decpt >= -maxFixed + 1 && (decpt <= maxFixed || len > decpt)) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= len) return `${sign}${digits}${'0'.repeat(decpt - len)}`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = decpt - 1;
  return `${sign}${digits[0]}${len > 1 ? `.${digits.slice(1)}` : ''}e${e}`;
}

/** Geometry as stored (4-byte SRID, then WKB) -> `SRID=n;WKT` as the MySQL source reads it. */
export function geometryText(stored: Buffer, mariadb: boolean): string {
  if (stored.length < 9) throw new Error(`geometry value of ${stored.length} bytes is too short`);
  const srid = stored.readUInt32LE(0);
  const r = { buf: stored, pos: 4 };
  return `SRID=${srid};${wkt(r, mariadb)}`;
}

interface WkbReader {
  buf: Buffer;
  pos: number;
}

const geometryNames = ['', 'POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON', 'GEOMETRYCOLLECTION'];

function wkt(r: WkbReader, mariadb: boolean): string {
  const le = r.buf[r.pos] === 1;
  r.pos += 1;
  const u32 = (): number => {
    const v = le ? r.buf.readUInt32LE(r.pos) : r.buf.readUInt32BE(r.pos);
    r.pos += 4;
    return v;
  };
  const f64 = (): number => {
    const v = le ? r.buf.readDoubleLE(r.pos) : r.buf.readDoubleBE(r.pos);
    r.pos += 8;
    return v;
  };
  const point = (): string => `${serverDouble(f64())} ${serverDouble(f64())}`;
  const points = (): string => {
    const n = u32();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(point());
    return out.join(',');
  };
  const rings = (): string => {
    const n = u32();
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(`(${points()})`);
    return out.join(',');
  };
  const type = u32();
  const name = geometryNames[type];
  if (!name) throw new Error(`unknown WKB geometry type ${type}`);
  const inner = (): string => {
    switch (type) {
      case 1:
        return point();
      case 2:
        return points();
      case 3:
        return rings();
      default: {
        const n = u32();
        const parts: string[] = [];
        for (let i = 0; i < n; i++) {
          // Members of MULTI* are whole WKB geometries; their text drops the type name.
          if (type === 7) {
            parts.push(wkt(r, mariadb));
            continue;
          }
          const member = wkt(r, mariadb);
          const body = member.slice(member.indexOf('('));
          // MySQL 8 writes MULTIPOINT((1 1),(2 2)); MariaDB MULTIPOINT(1 1,2 2).
          parts.push(type === 4 && mariadb ? body.slice(1, -1) : body);
        }
        if (n === 0) return '';
        return parts.join(',');
      }
    }
  };
  const body = inner();
  if (body === '' && type >= 4) return `${name} EMPTY`;
  return `${name}(${body})`;
}

/** INET4: four bytes, dotted. */
export function inet4Text(b: Buffer): string {
  const p = Buffer.alloc(4);
  b.copy(p, 0, 0, Math.min(4, b.length));
  return `${p[0]}.${p[1]}.${p[2]}.${p[3]}`;
}

/**
 * INET6 as MariaDB prints it: the longest run of zero groups (the first of equal ones, even a
 * single group) as '::', and ::a.b.c.d / ::ffff:a.b.c.d with the IPv4 part dotted.
 */
export function inet6Text(b: Buffer): string {
  const p = Buffer.alloc(16);
  b.copy(p, 0, 0, Math.min(16, b.length));
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(p.readUInt16BE(i * 2));
  let best = { pos: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length) best = { pos: i, length: j - i };
    i = j;
  }
  if (best.pos === 0 && (best.length === 6 || (best.length === 5 && words[5] === 0xffff))) {
    return `::${best.length === 5 ? 'ffff:' : ''}${p[12]}.${p[13]}.${p[14]}.${p[15]}`;
  }
  if (best.length === 0) return words.map((w) => w.toString(16)).join(':');
  const head = words.slice(0, best.pos).map((w) => w.toString(16)).join(':');
  const tail = words.slice(best.pos + best.length).map((w) => w.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** MariaDB's UUID type: 16 bytes in the text's order (the binlog drops trailing zero bytes). */
export function uuidText(b: Buffer): string {
  const p = Buffer.alloc(16);
  b.copy(p, 0, 0, Math.min(16, b.length));
  const h = p.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** MySQL character set names -> WHATWG encoding labels of TextDecoder. */
const encodings: Readonly<Record<string, string>> = {
  utf8mb4: 'utf-8',
  utf8mb3: 'utf-8',
  utf8: 'utf-8',
  // MySQL's latin1 is Windows-1252; ascii text is a subset of it.
  latin1: 'windows-1252',
  ascii: 'windows-1252',
  cp1250: 'windows-1250',
  cp1251: 'windows-1251',
  cp1256: 'windows-1256',
  cp1257: 'windows-1257',
  latin2: 'iso-8859-2',
  latin5: 'iso-8859-9',
  latin7: 'iso-8859-13',
  greek: 'iso-8859-7',
  hebrew: 'iso-8859-8',
  koi8r: 'koi8-r',
  koi8u: 'koi8-u',
  cp866: 'ibm866',
  macroman: 'macintosh',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  ujis: 'euc-jp',
  eucjpms: 'euc-jp',
  euckr: 'euc-kr',
  gbk: 'gbk',
  gb2312: 'gbk',
  gb18030: 'gb18030',
  big5: 'big5',
  tis620: 'windows-874',
  ucs2: 'utf-16be',
  utf16: 'utf-16be',
  utf16le: 'utf-16le',
};

const decoders = new Map<string, TextDecoder>();

/** Bytes of a text column in its character set -> a JavaScript string (what utf8mb4 text reads give). */
export function decodeText(bytes: Buffer, charset: string | null): string {
  const cs = (charset ?? 'utf8mb4').toLowerCase();
  const label = encodings[cs];
  if (label === 'utf-8') return bytes.toString('utf8');
  if (cs === 'utf32') {
    let s = '';
    for (let i = 0; i + 4 <= bytes.length; i += 4) s += String.fromCodePoint(bytes.readUInt32BE(i));
    return s;
  }
  if (!label) throw new Error(`character set ${cs} cannot be decoded from the binlog`);
  let d = decoders.get(label);
  if (!d) {
    d = new TextDecoder(label);
    decoders.set(label, d);
  }
  return d.decode(bytes);
}
