import { expect, test } from '@playwright/test';
import { attributeViolations, consoleErrorIsOwn, samePolicy } from '../helpers/judges/csp.js';

const META = "default-src 'self'; script-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";
const HEADER = `${META}; frame-ancestors 'self'`;
const PROXY = "default-src 'self'; script-src 'self'";

test('the header and the meta policy of AsterDrive are the same policy; a proxy policy is not', () => {
  expect(samePolicy(HEADER, META)).toBe(true);
  expect(samePolicy("img-src blob: data: 'self'; script-src 'unsafe-inline' 'self'; default-src 'self'", META)).toBe(true);
  expect(samePolicy(PROXY, META)).toBe(false);
});

test('only violations of a policy AsterDrive did not send count', () => {
  const evalProbe = { directive: 'script-src', blocked: 'eval', policy: HEADER };
  const proxyBlock = { directive: 'script-src-elem', blocked: 'inline', policy: PROXY };
  const { own, foreign } = attributeViolations([evalProbe, proxyBlock], META);
  expect(own).toEqual([evalProbe]);
  expect(foreign).toEqual([proxyBlock]);
  expect(attributeViolations([evalProbe], undefined).foreign, 'without the page policy nothing is AsterDrive’s').toEqual([evalProbe]);
});

test('a console CSP error is attributed by the directive it quotes', () => {
  const own = `Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: "script-src 'self' 'unsafe-inline'".`;
  const proxy = `Refused to execute inline script because it violates the following Content Security Policy directive: "script-src 'self'".`;
  expect(consoleErrorIsOwn(own, META)).toBe(true);
  expect(consoleErrorIsOwn(proxy, META)).toBe(false);
});
