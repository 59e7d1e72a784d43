// The same client math written plainly with JS BigInt (binary square-and-multiply with `%`)
// and @aws-crypto/sha256-js for SHA-256/HMAC: the "no library" JavaScript baseline.
import { Sha256 } from '@aws-crypto/sha256-js';

const N = BigInt('0x' +
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF');
const g = 2n;
const utf8 = new TextEncoder();

const hexToBytes = (hex) => {
  if (hex.length % 2) hex = '0' + hex;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
};
const bytesToHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const sha256 = (data, key) => { const h = new Sha256(key); h.update(data); return h.digestSync(); };
const padHex = (x) => {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  return /^[89a-f]/.test(h) ? '00' + h : h;
};
const pad = (x) => hexToBytes(padHex(x));
const toInt = (bytes) => BigInt('0x' + (bytesToHex(bytes) || '0'));
const mod = (x) => ((x % N) + N) % N;

function modPow(base, exp) {
  let r = 1n;
  base = mod(base);
  for (const bit of exp.toString(2)) {
    r = (r * r) % N;
    if (bit === '1') r = (r * base) % N;
  }
  return r;
}

const k = toInt(sha256(concat(pad(N), pad(g))));

export function bigintClient(smallAHex) {
  const a = BigInt('0x' + smallAHex);
  return { a, A: modPow(g, a) };
}

export const bigintA = (c) => c.A.toString(16);

export function bigintClaim(c, poolName, v, timestamp) {
  const B = BigInt('0x' + v.srpB);
  if (B % N === 0n) throw new Error('B mod N is 0');
  const u = toInt(sha256(concat(pad(c.A), pad(B))));
  if (u === 0n) throw new Error('u is 0');
  const identity = sha256(utf8.encode(`${poolName}${v.username}:${v.password}`));
  const x = toInt(sha256(concat(pad(BigInt('0x' + v.salt)), identity)));
  const S = modPow(B - k * modPow(g, x), c.a + u * x);
  const prk = sha256(pad(S), pad(u));
  const key = sha256(concat(utf8.encode('Caldera Derived Key'), new Uint8Array([1])), prk).slice(0, 16);
  const block = Uint8Array.from(atob(v.secretBlock), (ch) => ch.charCodeAt(0));
  const mac = sha256(concat(utf8.encode(poolName), utf8.encode(v.username), block, utf8.encode(timestamp)), key);
  return btoa(String.fromCharCode(...mac));
}
