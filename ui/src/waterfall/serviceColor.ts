/**
 * Colours distinguishable on white and for common colour-vision deficiencies (Okabe–Ito based,
 * extended). A service keeps its colour across traces and page loads because it is picked by a
 * hash of its name, not by its position in a list.
 */
const PALETTE = [
  '#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00',
  '#7a5195', '#2f4b7c', '#a05195', '#665191', '#008080', '#b8860b',
];

export function serviceColor(service: string): string {
  // FNV-1a: cheap, and spreads similar names (api, api2) apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length];
}
