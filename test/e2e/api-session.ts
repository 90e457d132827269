// A person's session against the test server over HTTP, for the steps of a test that happen at someone else's desk.

export async function apiSession(url: string, username: string, password = 'demo') {
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (login.status !== 200) throw new Error(`${username} could not sign in: HTTP ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };
  return { call, get: (path: string) => call('GET', path), patch: (path: string, body: unknown) => call('PATCH', path, body), post: (path: string, body: unknown) => call('POST', path, body) };
}
