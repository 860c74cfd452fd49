/**
 * And / or over compiled tests as plain loops. These run for every rule on every event, and
 * `tests.every((t) => t(x))` costs an extra closure call per test per event on top of the test.
 */
export type Test<T> = (x: T) => boolean;

const yes = () => true;
const no = () => false;

export function allOf<T>(tests: readonly Test<T>[]): Test<T> {
  const list = tests.slice();
  if (list.length === 0) return yes;
  if (list.length === 1) return list[0];
  if (list.length === 2) {
    const [a, b] = list;
    return (x) => a(x) && b(x);
  }
  return (x) => {
    for (let i = 0; i < list.length; i++) if (!list[i](x)) return false;
    return true;
  };
}

export function anyOf<T>(tests: readonly Test<T>[]): Test<T> {
  const list = tests.slice();
  if (list.length === 0) return no;
  if (list.length === 1) return list[0];
  if (list.length === 2) {
    const [a, b] = list;
    return (x) => a(x) || b(x);
  }
  return (x) => {
    for (let i = 0; i < list.length; i++) if (list[i](x)) return true;
    return false;
  };
}

/** True when the test holds for at least one item. */
export function someItem<T>(test: Test<T>): Test<readonly T[]> {
  return (items) => {
    for (let i = 0; i < items.length; i++) if (test(items[i])) return true;
    return false;
  };
}
