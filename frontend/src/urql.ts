import { Client, cacheExchange, fetchExchange, type CombinedError, type Operation } from '@urql/vue'
import { authExchange } from '@urql/exchange-auth'
import { getOperationName } from '@urql/core'
import {
  RefreshTokenMutation,
  UNAUTHENTICATED_OPERATIONS,
  accessTokenExpired,
  expireSession,
  saveTokens,
  session,
} from './auth'
import { currentLocale } from './i18n'

function operationName(operation: Operation): string | undefined {
  return getOperationName(operation.query)
}

function isAuthOperation(operation: Operation): boolean {
  const name = operationName(operation)
  return name !== undefined && UNAUTHENTICATED_OPERATIONS.has(name)
}

export function isAuthError(error: CombinedError): boolean {
  const status = (error.response as Response | undefined)?.status
  if (status === 401) return true
  return error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
}

const auth = authExchange(async (utils) => ({
  addAuthToOperation(operation) {
    if (!session.accessToken || isAuthOperation(operation)) return operation
    return utils.appendHeaders(operation, { Authorization: `Bearer ${session.accessToken}` })
  },

  willAuthError(operation) {
    if (isAuthOperation(operation)) return false
    // Refresh before sending when we know the access token is gone or stale.
    return Boolean(session.refreshToken) && accessTokenExpired()
  },

  didAuthError(error, operation) {
    return !isAuthOperation(operation) && isAuthError(error)
  },

  async refreshAuth() {
    const refreshToken = session.refreshToken
    if (!refreshToken) {
      expireSession()
      return
    }
    const result = await utils.mutate(RefreshTokenMutation, { input: { refreshToken } })
    const payload = result.data?.refreshToken
    if (payload?.accessToken && payload.refreshToken) {
      saveTokens({
        accessToken: payload.accessToken,
        refreshToken: payload.refreshToken,
        accessTokenExpiresAt: payload.accessTokenExpiresAt,
        role: payload.viewer?.role ?? session.role,
      })
    } else {
      expireSession()
    }
  },
}))

export function createClient(): Client {
  return new Client({
    url: '/graphql',
    exchanges: [cacheExchange, auth, fetchExchange],
    requestPolicy: 'cache-and-network',
    // POST only: search terms and ids stay out of URLs and access logs.
    preferGetMethod: false,
    // The server writes its messages in the UI's language (unless the user chose one).
    fetchOptions: () => ({ headers: { 'Accept-Language': currentLocale.value } }),
  })
}

export const client = createClient()
