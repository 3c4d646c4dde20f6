/**
 * True when peerId matches a glob pattern where `*` stands for any run of characters
 * (`*` matches every peer; `team-*` matches `team-a`). Everything else is literal.
 */
export function matchesPeer(pattern: string, peerId: string): boolean {
  // Greedy match with a single backtrack point: linear-ish, no regex, so no catastrophic patterns.
  let p = 0;
  let s = 0;
  let star = -1;
  let resume = 0;
  while (s < peerId.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === peerId[s]) {
      p++;
      s++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = s;
    } else if (star !== -1) {
      p = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
