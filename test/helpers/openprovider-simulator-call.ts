/**
 * A caller of the Openprovider simulator over HTTP: JSON in and out, the current bearer token (if any) on every call.
 * Both are read per call, so a test can log in, or drop the token, between calls.
 */
export function openproviderCaller(target: { baseUrl: () => string; token: () => string }) {
  return async (path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> => {
    const token = target.token();
    const response = await fetch(`${target.baseUrl()}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });
    return { status: response.status, body: await response.json() };
  };
}
