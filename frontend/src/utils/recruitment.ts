/**
 * The candidate board's rules as the SPA shows them: which columns exist, where a card may be
 * dropped and what each drop does. The server decides (recruitment/service.py MOVES, offers,
 * answers, the hire); this only keeps the board from offering moves that cannot work.
 */
import type { ApplicationStage, ContractKind } from '@/gql/graphql'
import { serverErrorText, type ServerError } from '@/utils/serverErrors'
import { apiHeaders } from '@/auth'
import { formatInstant } from './time'

/** The board's main columns, in the pipeline's order. */
export const OPEN_STAGES: readonly ApplicationStage[] = ['SCREENING', 'INTERVIEW', 'OFFER', 'ACCEPTED']
/** The secondary area: where applications end. */
export const CLOSED_STAGES: readonly ApplicationStage[] = ['REJECTED', 'DECLINED', 'HIRED']

/** What dropping a card on a column does. */
export type DropAction =
  /** moveApplication, no note */
  | 'move'
  /** moveApplication with the reason asked for */
  | 'moveWithReason'
  /** the offer form (makeOffer) */
  | 'offer'
  /** respondToOffer(accepted: true) */
  | 'accept'
  /** respondToOffer(accepted: false) with the reason asked for */
  | 'decline'
  /** the hire dialog */
  | 'hire'

const DROPS: Record<ApplicationStage, Partial<Record<ApplicationStage, DropAction>>> = {
  SCREENING: { INTERVIEW: 'move', REJECTED: 'moveWithReason' },
  INTERVIEW: { SCREENING: 'move', OFFER: 'offer', REJECTED: 'moveWithReason' },
  // A new offer replaces the last; the answer needs an approved offer (the server says so).
  OFFER: { INTERVIEW: 'move', REJECTED: 'moveWithReason', ACCEPTED: 'accept', DECLINED: 'decline' },
  ACCEPTED: { DECLINED: 'moveWithReason', HIRED: 'hire' },
  DECLINED: {},
  REJECTED: { SCREENING: 'move' },
  HIRED: {},
}

/** What dropping an application in `from` on the column `to` does; null: not a move. */
export function dropAction(from: ApplicationStage, to: ApplicationStage): DropAction | null {
  return DROPS[from][to] ?? null
}

/** The columns a card in `from` may go to, in board order (for the per-card menu). */
export function targets(from: ApplicationStage): ApplicationStage[] {
  return [...OPEN_STAGES, ...CLOSED_STAGES].filter((to) => dropAction(from, to) !== null)
}

export const STAGE_TAG: Record<ApplicationStage, 'info' | 'primary' | 'warning' | 'success' | 'danger'> = {
  SCREENING: 'info',
  INTERVIEW: 'primary',
  OFFER: 'warning',
  ACCEPTED: 'success',
  DECLINED: 'danger',
  REJECTED: 'danger',
  HIRED: 'success',
}

/**
 * The longest probation the Labour Contract Law allows (劳动合同法 第十九条): none for a task
 * contract or a term under three months, one month for under a year, two for under three
 * years, six for three years or more and for open-ended contracts.
 */
export function maxProbationMonths(kind: ContractKind, months: number | null | undefined): number {
  if (kind === 'TASK') return 0
  if (kind === 'OPEN_ENDED') return 6
  const term = months ?? 0
  if (term < 3) return 0
  if (term < 12) return 1
  if (term < 36) return 2
  return 6
}

/** A date-time in China's time, short ("11-23 10:00"), as the approvals list shows them. */
export function whenShort(iso: string): string {
  return formatInstant(iso, 'zh-CN', 'short')
}

/** A date-time in China's time with the year ("2026/11/23 10:00"). */
export function whenLong(iso: string): string {
  return formatInstant(iso, 'zh-CN', 'datetime')
}

/**
 * Upload a candidate's résumé (POST /recruitment/resume, the raw file as the body, like the
 * archive's upload); null when it worked, else the server's first error's text.
 */
export async function uploadResume(applicationId: string, file: File, fallback: string): Promise<string | null> {
  const params = new URLSearchParams({ applicationId, name: file.name })
  try {
    const response = await fetch(`/recruitment/resume?${params}`, {
      method: 'POST',
      headers: {
        ...apiHeaders(),
        'Content-Type': 'application/octet-stream',
      },
      body: file,
    })
    if (response.ok) return null
    const body = (await response.json().catch(() => null)) as { errors?: ServerError[] } | null
    const first = body?.errors?.[0]
    return first ? serverErrorText(first) : fallback
  } catch {
    return fallback
  }
}
