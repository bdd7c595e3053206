/** The error `act` throws, or undefined when it returns normally: for checking several of its properties. */
export function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (e) {
    return e;
  }
  return undefined;
}
