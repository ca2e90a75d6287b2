/** "12000.00" → "¥12,000.00" (Decimal comes as a string; keep its precision). */
export function formatMoney(value: string | null | undefined, locale: string): string | null {
  if (value === null || value === undefined || value === '') return null
  const n = Number(value)
  if (Number.isNaN(n)) return value
  return new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 }).format(n)
}

export function isMasked(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.includes('*')
}
