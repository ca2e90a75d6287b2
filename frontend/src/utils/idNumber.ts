/**
 * The resident ID number check of GB 11643-1999 (ISO 7064 MOD 11-2), as the server makes it
 * (backend people/validation.py): 17 digits with a real birth date, then the check character.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export function validIdNumber(raw: string): boolean {
  const value = raw.trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(value)) return false
  const year = Number(value.slice(6, 10))
  const month = Number(value.slice(10, 12))
  const day = Number(value.slice(12, 14))
  const born = new Date(Date.UTC(year, month - 1, day))
  if (born.getUTCFullYear() !== year || born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) return false
  const total = WEIGHTS.reduce((sum, w, i) => sum + w * Number(value[i]), 0)
  return CHECK[total % 11] === value[17]
}
