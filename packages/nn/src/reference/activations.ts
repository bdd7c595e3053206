export type RefActivation = 'sigmoid' | 'tanh' | 'relu' | 'identity';

export const REF_ACTIVATIONS: readonly RefActivation[] = ['sigmoid', 'tanh', 'relu', 'identity'];

/** σ(z) = 1/(1 + e^{−z}); for z < 0 written as e^z/(1 + e^z) so exp never overflows (σ(±1000) = 1, 0). */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** a = f(z) for the named activation. */
export function activate(f: RefActivation, z: number): number {
  switch (f) {
    case 'sigmoid':
      return sigmoid(z);
    case 'tanh':
      return Math.tanh(z);
    case 'relu':
      return Math.max(z, 0);
    case 'identity':
      return z;
  }
}

/** f'(z): σ'(z) = σ(z)σ(−z), tanh'(z) = sech²(z), relu'(z) = [z > 0] (so relu'(0) = 0), identity'(z) = 1. */
export function activationDerivative(f: RefActivation, z: number): number {
  switch (f) {
    case 'sigmoid':
      // σ(1 − σ) would compute 1 − σ by cancellation and lose every digit for large z (seed 004, eq. 4);
      // σ(−z) is the same number computed without subtracting.
      return sigmoid(z) * sigmoid(-z);
    case 'tanh': {
      // sech² rather than 1 − tanh², for the same reason; cosh overflows to ∞ and gives 0, the right limit.
      const sech = 1 / Math.cosh(z);
      return sech * sech;
    }
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'identity':
      return 1;
  }
}
