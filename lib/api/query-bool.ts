// Boolean query parameters read as kube-apiserver converts them (its string-slice-to-bool
// conversion): absent is false; a first value of "0" or "false" (any case) is false; anything
// else, the empty string and "True" included, is true. The official Python client sends
// `watch=True` and `stdout=True`, so a strict `=== 'true'` reading breaks it.

export function parseQueryBool(values: readonly string[]): boolean {
  if (values.length === 0) return false;
  const v = values[0];
  return !(v === '0' || v.toLowerCase() === 'false');
}

/** The boolean named `name` in a URL query. */
export function queryBool(params: URLSearchParams, name: string): boolean {
  return parseQueryBool(params.getAll(name));
}
