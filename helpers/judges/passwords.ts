/**
 * Is a password fit for production? Never returns or prints the password: only properties.
 * A short list of defaults and the most common passwords (at least 8 characters, AsterDrive's
 * minimum), a length floor of 12 and a character-class floor.
 */

/** Defaults and common passwords (lower case), compared case-insensitively. */
export const WEAK_PASSWORDS = [
  'password',
  'password1',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'admin123',
  'admin1234',
  'admin12345',
  'admin@123',
  'administrator',
  'changeme',
  'changeme123',
  'change-me',
  'asterdrive',
  'asterdrive123',
  'aster_drive',
  '12345678',
  '123456789',
  '1234567890',
  'qwertyuiop',
  'qwerty123',
  '1q2w3e4r',
  '1qaz2wsx',
  'iloveyou',
  'letmein1',
  'welcome1',
  'welcome123',
  'sunshine',
  'football',
  'superman',
  'trustno1',
  'abc12345',
  '11111111',
  '00000000',
  'secret123',
  'default1',
  'root1234',
  'toor1234',
];

/** Well-known default credentials an attacker tries first (identifier, password). */
export const DEFAULT_CREDENTIALS: [string, string][] = [
  ['admin', 'admin'],
  ['admin', 'password'],
  ['admin', 'admin123'],
  ['admin', 'changeme'],
  ['admin@example.com', 'password'],
  ['administrator', 'administrator'],
];

export const MIN_LENGTH = 12;

export interface PasswordVerdict {
  ok: boolean;
  problems: string[];
  /** Safe to show. */
  facts: { longEnough: boolean; classes: number; inCommonList: boolean; containsAccountName: boolean; estimatedBits: number };
}

export function judgePassword(password: string, accountNames: string[] = []): PasswordVerdict {
  const lower = password.toLowerCase();
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const pool =
    (/[a-z]/.test(password) ? 26 : 0) + (/[A-Z]/.test(password) ? 26 : 0) + (/[0-9]/.test(password) ? 10 : 0) + (/[^A-Za-z0-9]/.test(password) ? 33 : 0);
  const unique = new Set(password).size;
  const estimatedBits = Math.round(Math.min(password.length, unique * 2) * Math.log2(Math.max(pool, 1)));
  const inCommonList = WEAK_PASSWORDS.includes(lower) || WEAK_PASSWORDS.some((w) => lower.replace(/[^a-z0-9@]/g, '') === w.replace(/[^a-z0-9@]/g, ''));
  const names = accountNames
    .flatMap((n) => [n, n.split('@')[0] ?? ''])
    .map((n) => n.toLowerCase())
    .filter((n) => n.length >= 4);
  const containsAccountName = names.some((n) => lower.includes(n)) || /aster|admin/.test(lower);
  const longEnough = password.length >= MIN_LENGTH;
  const problems: string[] = [];
  if (inCommonList) problems.push('it is a default or one of the most common passwords');
  if (!longEnough) problems.push(`it is shorter than ${MIN_LENGTH} characters`);
  if (classes < 3 && password.length < 20)
    problems.push(`it uses ${classes} character class(es); use at least 3 of lower case, upper case, digits, symbols (or 20+ characters)`);
  if (estimatedBits < 60) problems.push(`its estimated strength is ${estimatedBits} bits, below 60`);
  if (containsAccountName) problems.push('it contains the account name, "admin" or "aster"');
  return { ok: problems.length === 0, problems, facts: { longEnough, classes, inCommonList, containsAccountName, estimatedBits } };
}
