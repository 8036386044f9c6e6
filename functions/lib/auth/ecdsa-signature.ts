/**
 * An ECDSA signature in the form a JWS carries. KMS `Sign` returns the DER form, an ASN.1 SEQUENCE of the INTEGERs
 * r and s (RFC 3279 §2.2.3), each as short as its value allows and with a leading zero when its top bit is set; a
 * JWS signature is r || s, each left-padded to the curve's size (RFC 7518 §3.4: 32 bytes for P-256). Sent as DER,
 * Okta would refuse the assertion's signature.
 */

/** Converts a DER ECDSA signature to JOSE's r || s of `size`-byte halves; throws on anything that is not one. */
export function derToJose(der: Uint8Array, size: number): Buffer {
  const reader = { bytes: Buffer.from(der), at: 0 };
  if (readByte(reader) !== 0x30) throw new Error('An ECDSA signature is a DER SEQUENCE');
  const length = readLength(reader);
  if (reader.at + length !== reader.bytes.length) throw new Error('The DER SEQUENCE length does not match');
  const r = readInteger(reader, size);
  const s = readInteger(reader, size);
  if (reader.at !== reader.bytes.length) throw new Error('The DER SEQUENCE holds more than r and s');
  return Buffer.concat([r, s]);
}

interface Reader {
  bytes: Buffer;
  at: number;
}

function readByte(reader: Reader): number {
  const byte = reader.bytes[reader.at];
  if (byte === undefined) throw new Error('The DER signature is cut short');
  reader.at += 1;
  return byte;
}

/** A DER length: one byte below 0x80, else 0x81 and one byte (a P-521 signature is up to 139 bytes). */
function readLength(reader: Reader): number {
  const first = readByte(reader);
  if (first < 0x80) return first;
  if (first === 0x81) {
    const length = readByte(reader);
    if (length < 0x80) throw new Error('The DER length is not in its shortest form');
    return length;
  }
  throw new Error('The DER length is too long for an ECDSA signature');
}

/** A positive INTEGER, left-padded to `size` bytes. */
function readInteger(reader: Reader, size: number): Buffer {
  if (readByte(reader) !== 0x02) throw new Error('r and s are DER INTEGERs');
  const length = readLength(reader);
  if (length === 0 || reader.at + length > reader.bytes.length) throw new Error('The DER INTEGER is cut short');
  let value = reader.bytes.subarray(reader.at, reader.at + length);
  reader.at += length;
  if ((value[0] as number) & 0x80) throw new Error('r and s are positive');
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  if (value.length > size) throw new Error(`r and s are at most ${size} bytes for this curve`);
  return Buffer.concat([Buffer.alloc(size - value.length), value]);
}
