// What a password must be (GB/T 22239 basics): at least 10 characters, three of the four kinds — lower case,
// upper case, digits, other signs — and not the user's own name. Pure and browser-safe: the web forms say the
// same before anything is sent. The server also asks a strength estimator (services/passwords.ts).

export const PASSWORD_MIN_LENGTH = 10;

export interface PasswordProblem {
  code: 'too_short' | 'too_few_kinds' | 'contains_name' | 'too_guessable';
  zh: string;
  en: string;
}

/** The kinds of character a password uses, of lower case, upper case, digits and other signs. */
export function characterKinds(pw: string): number {
  return [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((r) => r.test(pw)).length;
}

/** Why a password is refused by the length, kind and name rules; [] when it passes them. */
export function passwordRuleProblems(pw: string, username?: string): PasswordProblem[] {
  const out: PasswordProblem[] = [];
  if ([...pw].length < PASSWORD_MIN_LENGTH) out.push({ code: 'too_short', zh: `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`, en: `at least ${PASSWORD_MIN_LENGTH} characters` });
  if (characterKinds(pw) < 3) out.push({ code: 'too_few_kinds', zh: '须包含小写字母、大写字母、数字、符号中的至少三种', en: 'three of: lower-case letters, upper-case letters, digits, signs' });
  if (username && username.length >= 3 && pw.toLowerCase().includes(username.toLowerCase())) out.push({ code: 'contains_name', zh: '不能包含用户名', en: 'not the user name' });
  return out;
}
