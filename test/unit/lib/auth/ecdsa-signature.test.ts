import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToJose } from '../../../../functions/lib/auth/ecdsa-signature.js';

// KMS Sign returns ECDSA signatures in DER (RFC 3279 §2.2.3); a JWS carries r || s (RFC 7518 §3.4). node:crypto
// verifies the JOSE form (ieee-p1363), and an independent encoder turns it back into the same DER bytes.
describe('derToJose', () => {
  it.each([
    ['P-256', 32, 'sha256'],
    ['P-384', 48, 'sha384'],
    ['P-521', 66, 'sha512'],
  ])('turns 100 DER signatures of %s into r || s halves of the curve size', (namedCurve, size, hash) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (let i = 0; i < 100; i += 1) {
      const data = Buffer.from(`message ${i}`);
      const der = sign(hash, data, { key: privateKey, dsaEncoding: 'der' });
      // ECDSA is randomized: turning the DER into r || s and back must give the same signature bytes.
      const jose = derToJose(der, size);
      expect(jose).toHaveLength(2 * size);
      expect(joseToDer(jose, size)).toEqual(der);
      expect(verify(hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose)).toBe(true);
    }
  });

  it('left-pads short r and s and drops the sign byte of a high r', () => {
    // r = 0x80 followed by 31 bytes (needs a leading 0x00 in DER), s = 0x01 (one byte).
    const r = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(31, 0x11)]);
    const der = Buffer.concat([
      Buffer.from([0x30, 2 + 33 + 2 + 1, 0x02, 33, 0x00]),
      r,
      Buffer.from([0x02, 0x01, 0x01]),
    ]);
    const jose = derToJose(der, 32);
    expect(jose.subarray(0, 32)).toEqual(r);
    expect(jose.subarray(32)).toEqual(Buffer.concat([Buffer.alloc(31), Buffer.from([0x01])]));
  });

  it.each([
    ['is not a SEQUENCE', Buffer.from([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['is cut short', Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02])],
    ['holds more than r and s', Buffer.from([0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ['has a negative r', Buffer.from([0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01])],
    [
      'has an r longer than the curve',
      Buffer.concat([
        Buffer.from([0x30, 0x26, 0x02, 0x21, 0x01]),
        Buffer.alloc(32, 1),
        Buffer.from([0x02, 0x01, 0x01]),
      ]),
    ],
    ['has r and s that are not INTEGERs', Buffer.from([0x30, 0x06, 0x04, 0x01, 0x01, 0x02, 0x01, 0x01])],
    [
      'has a length in long form where the short one fits',
      Buffer.from([0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
    ],
    ['is empty', Buffer.alloc(0)],
  ])('refuses a signature that %s', (_case, der) => {
    expect(() => derToJose(der, 32)).toThrow(Error);
  });
});

/** The DER form of r || s: the inverse, written here independently of the code under test. */
function joseToDer(jose: Buffer, size: number): Buffer {
  const integer = (half: Buffer) => {
    let value = half;
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if ((value[0] as number) & 0x80) value = Buffer.concat([Buffer.from([0]), value]);
    return Buffer.concat([Buffer.from([0x02, value.length]), value]);
  };
  const body = Buffer.concat([integer(jose.subarray(0, size)), integer(jose.subarray(size))]);
  const length = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), length, body]);
}
