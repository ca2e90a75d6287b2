/**
 * Session handling: the access token (short-lived JWT) and the rotating refresh
 * token live in localStorage. The urql client (src/urql.ts) adds the access token
 * to every request and refreshes it once when the server says UNAUTHENTICATED.
 */
import type { Client } from '@urql/vue'
import { graphql } from './gql'
import type { Role } from './gql/graphql'
import type { ServerError } from './utils/serverErrors'
import { currentLocale } from './i18n'

const ACCESS_KEY = 'talentloop.accessToken'
const REFRESH_KEY = 'talentloop.refreshToken'
const EXPIRES_KEY = 'talentloop.accessTokenExpiresAt'
const ROLE_KEY = 'talentloop.role'
// Set (to the username) while the initial password must be changed: the router sends every
// page to the change-password step until it is (the server refuses everything else anyway).
const MUST_CHANGE_KEY = 'talentloop.mustChangePassword'

export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      accessToken
      refreshToken
      accessTokenExpiresAt
      viewer {
        role
        mustChangePassword
        user {
          id
          username
        }
      }
      errors {
        field
        message
        code
      }
    }
  }
`)

export const RefreshTokenMutation = graphql(`
  mutation RefreshToken($input: RefreshTokenInput!) {
    refreshToken(input: $input) {
      accessToken
      refreshToken
      accessTokenExpiresAt
      viewer {
        role
      }
      errors {
        message
        code
      }
    }
  }
`)

export const LogoutMutation = graphql(`
  mutation Logout($input: LogoutInput!) {
    logout(input: $input) {
      ok
    }
  }
`)

/** Operations that must never carry a (possibly stale) access token nor trigger a refresh. */
export const UNAUTHENTICATED_OPERATIONS = new Set(['Login', 'RefreshToken', 'Logout'])

interface SessionState {
  accessToken: string | null
  refreshToken: string | null
  /** ms since epoch, or null when the server did not say */
  expiresAt: number | null
  role: Role | null
  /** The username while the initial password must be changed; null otherwise. */
  mustChangePassword: string | null
}

function readExpiry(): number | null {
  const raw = localStorage.getItem(EXPIRES_KEY)
  if (!raw) return null
  const ms = Date.parse(raw)
  return Number.isNaN(ms) ? null : ms
}

/**
 * Deliberately not reactive: the urql exchanges read it while @urql/vue's effects run,
 * and a reactive read there would make every token change re-run every query.
 */
export const session: SessionState = {
  accessToken: localStorage.getItem(ACCESS_KEY),
  refreshToken: localStorage.getItem(REFRESH_KEY),
  expiresAt: readExpiry(),
  role: localStorage.getItem(ROLE_KEY) as Role | null,
  mustChangePassword: localStorage.getItem(MUST_CHANGE_KEY),
}

export function setMustChangePassword(username: string | null) {
  session.mustChangePassword = username
  setItem(MUST_CHANGE_KEY, username)
}

function setItem(key: string, value: string | null | undefined) {
  if (value) localStorage.setItem(key, value)
  else localStorage.removeItem(key)
}

export function saveTokens(tokens: {
  accessToken?: string | null
  refreshToken?: string | null
  accessTokenExpiresAt?: string | null
  role?: Role | null
}) {
  session.accessToken = tokens.accessToken ?? null
  session.refreshToken = tokens.refreshToken ?? null
  session.expiresAt = tokens.accessTokenExpiresAt ? Date.parse(tokens.accessTokenExpiresAt) : null
  if (tokens.role !== undefined) session.role = tokens.role
  setItem(ACCESS_KEY, session.accessToken)
  setItem(REFRESH_KEY, session.refreshToken)
  setItem(EXPIRES_KEY, tokens.accessTokenExpiresAt)
  setItem(ROLE_KEY, session.role)
}

export function clearTokens() {
  saveTokens({ accessToken: null, refreshToken: null, accessTokenExpiresAt: null, role: null })
  setMustChangePassword(null)
}

export function isSignedIn(): boolean {
  return Boolean(session.accessToken || session.refreshToken)
}

/** True when the access token is known to have expired (with a little slack for clock skew). */
export function accessTokenExpired(now = Date.now()): boolean {
  if (!session.accessToken) return true
  return session.expiresAt !== null && now >= session.expiresAt - 5_000
}

export type LoginResult = { ok: true } | { ok: false; error: ServerError | null }

export async function login(client: Client, username: string, password: string): Promise<LoginResult> {
  const result = await client
    .mutation(LoginMutation, { input: { username, password } }, { requestPolicy: 'network-only' })
    .toPromise()
  const payload = result.data?.login
  if (payload?.accessToken && payload.refreshToken) {
    saveTokens({
      accessToken: payload.accessToken,
      refreshToken: payload.refreshToken,
      accessTokenExpiresAt: payload.accessTokenExpiresAt,
      role: payload.viewer?.role ?? null,
    })
    setMustChangePassword(payload.viewer?.mustChangePassword ? payload.viewer.user.username : null)
    return { ok: true }
  }
  const error = payload?.errors[0] ?? result.error?.graphQLErrors[0] ?? null
  if (!error) return { ok: false, error: null }
  const code = 'code' in error ? error.code : error.extensions?.code
  return {
    ok: false,
    error: { message: error.message, field: 'field' in error ? error.field : null, code: typeof code === 'string' ? code : null },
  }
}

/** Set once the page is on its way to the sign-in page: nothing else should navigate. */
let leaving = false

/**
 * Sign out: forget the tokens at once (so no request still in flight can trigger a
 * refresh), revoke the refresh token on the server (best effort), and reload on the
 * sign-in page so that no cached data of this user survives.
 */
export async function logout(client: Client) {
  leaving = true
  const refreshToken = session.refreshToken
  clearTokens()
  if (refreshToken) {
    try {
      await client.mutation(LogoutMutation, { input: { refreshToken } }).toPromise()
    } catch {
      // the tokens are dropped locally anyway
    }
  }
  window.location.assign('/login')
}

/** The refresh failed: drop the tokens and go to the sign-in page, remembering where we were. */
export function expireSession() {
  clearTokens()
  if (leaving || window.location.pathname === '/login') return
  leaving = true
  const here = window.location.pathname + window.location.search
  const params = new URLSearchParams({ expired: '1', redirect: here })
  window.location.assign(`/login?${params.toString()}`)
}

/**
 * The headers of a call outside GraphQL (file downloads and uploads): the access token, and
 * the UI's language, which the server writes its messages and file headings in.
 */
export function apiHeaders(): Record<string, string> {
  return {
    'Accept-Language': currentLocale.value,
    ...(session.accessToken ? { Authorization: `Bearer ${session.accessToken}` } : {}),
  }
}
