/** Random lower-case hex ids from the browser's CSPRNG, never all zeros (invalid in W3C trace context). */
export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  let hex: string;
  do {
    crypto.getRandomValues(buf);
    hex = '';
    for (let i = 0; i < bytes; i++) hex += (buf[i] < 16 ? '0' : '') + buf[i].toString(16);
  } while (/^0+$/.test(hex));
  return hex;
}

/** 128-bit id: trace, session and chapter ids. */
export const newId128 = (): string => randomHex(16);

/** 64-bit id: span ids. */
export const newId64 = (): string => randomHex(8);
