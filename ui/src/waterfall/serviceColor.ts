/**
 * Colours distinguishable on white and for common colour-vision deficiencies (Okabe–Ito based,
 * extended). A service's colour is picked by a hash of its name, not its position in a list, so it
 * stays the same across traces and page loads.
 */
const PALETTE = [
  '#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00',
  '#7a5195', '#2f4b7c', '#8c564b', '#17becf', '#bcbd22', '#e7298a',
];

function hashSlot(service: string): number {
  // FNV-1a: cheap, and spreads similar names (api, api2) apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PALETTE.length;
}

/**
 * The colour of each service shown together. Each takes its hashed colour; when two services of
 * the set hash alike, the later one (by name) takes the next free colour, so one view never shows
 * two services in one colour while the set fits the palette. Same set, same colours.
 */
export function serviceColors(services: Iterable<string>): Map<string, string> {
  const colors = new Map<string, string>();
  const taken = new Set<number>();
  for (const service of [...new Set(services)].sort()) {
    let slot = hashSlot(service);
    for (let probe = 0; probe < PALETTE.length && taken.has(slot); probe++) slot = (slot + 1) % PALETTE.length;
    taken.add(slot);
    colors.set(service, PALETTE[slot]);
  }
  return colors;
}
