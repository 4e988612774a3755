// The console's one way to the API: the signed-in token as a bearer header, JSON in and out,
// problem+json errors turned into ApiError (status, title, detail, field errors).

const TOKEN = 'tradecapture.console.token';

export const ROLES = {
  read: 'trade-capture.read',
  write: 'trade-capture.write',
  approve: 'trade-capture.approve',
  admin: 'trade-capture.admin',
};

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.title = problem.title || `HTTP ${status}`;
    this.detail = problem.detail || '';
    this.reasonCode = problem.reasonCode || null;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function signIn(value) {
  sessionStorage.setItem(TOKEN, value);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
}

export async function call(method, path, body, headers = {}) {
  const h = { Accept: 'application/json, application/problem+json', ...headers };
  const t = token();
  if (t) {
    h.Authorization = `Bearer ${t}`;
  }
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = { detail: text };
    }
  }
  if (response.status === 401 && t && path !== '/api/v1/me') {
    // the token expired (or was revoked) while the page was open: sign in again
    signOut();
    window.location.assign('index.html?expired=1');
  }
  if (!response.ok) {
    throw new ApiError(response.status, data || {});
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body, headers) => call('POST', path, body, headers);
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

/** The caller ({subject, roles, authEnabled}), or null when not signed in or the token is refused. */
export async function me() {
  try {
    return await get('/api/v1/me');
  } catch (e) {
    if (e.status === 401) {
      return null;
    }
    throw e;
  }
}

/** Polls a job until it is decided (or the deadline passes), telling each status to onStatus. */
export async function followJob(jobId, onStatus, deadlineMs = 60000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const status = await get(`/api/v1/trades/jobs/${encodeURIComponent(jobId)}/status`);
    onStatus(status);
    if (status.status !== 'ACCEPTED') {
      return status;
    }
    if (Date.now() > until) {
      throw new Error(`job ${jobId} still ACCEPTED after ${deadlineMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}
