/**
 * MySQL's binary DECIMAL (NEWDECIMAL: decimal2bin): groups of 9 digits in 4 big-endian bytes,
 * the leftover digits of each side in 1-4 bytes, the sign in the first bit (set = positive; a
 * negative value has every byte inverted). Pure.
 */

const digitBytes = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/** Bytes of a DECIMAL(precision, scale) value. */
export function decimalSize(precision: number, scale: number): number {
  const intg = precision - scale;
  return Math.floor(intg / 9) * 4 + digitBytes[intg % 9]! + Math.floor(scale / 9) * 4 + digitBytes[scale % 9]!;
}

/** -> the value as the server prints it: no leading zeros, exactly `scale` digits after the point. */
export function decodeBinaryDecimal(bin: Buffer, precision: number, scale: number): string {
  const size = decimalSize(precision, scale);
  if (bin.length < size) throw new Error(`DECIMAL(${precision},${scale}) value of ${bin.length} bytes, ${size} expected`);
  const b = Buffer.from(bin.subarray(0, size));
  const positive = (b[0]! & 0x80) !== 0;
  b[0] = b[0]! ^ 0x80;
  if (!positive) for (let i = 0; i < size; i++) b[i] = b[i]! ^ 0xff;
  const intg = precision - scale;
  let p = 0;
  const group = (bytes: number, digits: number): string => {
    if (bytes === 0) return '';
    const v = b.readUIntBE(p, bytes);
    p += bytes;
    return String(v).padStart(digits, '0');
  };
  let intDigits = group(digitBytes[intg % 9]!, intg % 9);
  for (let i = 0; i < Math.floor(intg / 9); i++) intDigits += group(4, 9);
  let fracDigits = '';
  for (let i = 0; i < Math.floor(scale / 9); i++) fracDigits += group(4, 9);
  fracDigits += group(digitBytes[scale % 9]!, scale % 9);
  const whole = intDigits.replace(/^0+/, '') || '0';
  const text = scale > 0 ? `${whole}.${fracDigits}` : whole;
  const zero = /^[0.]*$/.test(text);
  return !positive && !zero ? `-${text}` : text;
}
