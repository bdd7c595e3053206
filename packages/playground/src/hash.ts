// The URL hash holds the expression and the variables' values, readable where possible:
//   #expr=tanh(w1*x1%20%2B%20b)&w1=-3&x1=2&b=6.88
// `expr` comes first; every later key is a variable (so a variable may even be called `expr`).

export interface SharedState {
  source: string;
  values: [string, number][];
}

// Characters a fragment may carry as they are; the rest are percent-encoded.
const encode = (s: string): string => encodeURIComponent(s).replace(/%(2F|3A|2C|3B|40|2A)/g, (m) => decodeURIComponent(m));

/** `#expr=...&name=value...`: String(number) is the shortest text that parses back to the same double. */
export function encodeHash(state: SharedState): string {
  return `#${[`expr=${encode(state.source)}`, ...state.values.map(([n, v]) => `${n}=${encode(String(v))}`)].join('&')}`;
}

/** The state in a hash made by encodeHash, or null when there is none (or it is damaged). */
export function decodeHash(hash: string): SharedState | null {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!body.startsWith('expr=')) return null;
  try {
    const [first, ...rest] = body.split('&');
    const source = decodeURIComponent(first!.slice('expr='.length));
    const values: [string, number][] = [];
    for (const part of rest) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const value = Number(decodeURIComponent(part.slice(eq + 1)));
      if (Number.isFinite(value)) values.push([decodeURIComponent(part.slice(0, eq)), value]);
    }
    return { source, values };
  } catch {
    return null; // a malformed %-escape
  }
}
