// RFC 6238 time-based one-time codes (SHA-1, 30 s, 6 digits), computed the way
// an authenticator app does from the set-up key the page shows.
import { createHmac } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = ALPHABET.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totp(secretBase32, unixSeconds = Date.now() / 1000) {
  const counter = Math.floor(unixSeconds / 30);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", base32Decode(secretBase32)).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, "0");
}

// The RFC's own test vector (secret "12345678901234567890", T = 59 s -> 94287082,
// of which an app showing 6 digits shows 287082).
export function selfCheck() {
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  if (totp(secret, 59) !== "287082") throw new Error("TOTP self-check failed");
}
