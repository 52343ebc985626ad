/**
 * The TLS judge of 2.1 and 2.10 (helpers/judges/tls.ts): what makes an origin's certificate or
 * protocol versions unfit for launch, each with its fix.
 */
import { expect, test } from '@playwright/test';
import { type TlsView, tlsProblems } from '../helpers/judges/tls.js';

const good: TlsView = {
  origin: 'https://drive.example.com',
  subject: 'CN=drive.example.com',
  subjectAltNames: 'DNS:drive.example.com',
  issuer: "CN=R11, O=Let's Encrypt, C=US",
  validTo: '2027-03-01T00:00:00.000Z',
  daysLeft: 60,
  protocols: {
    TLSv1: 'refused (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)',
    'TLSv1.1': 'refused (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)',
    'TLSv1.2': 'accepted',
    'TLSv1.3': 'accepted',
  },
};

test('a trusted certificate with time left, on TLS 1.2/1.3 only, has no problem', () => {
  expect(tlsProblems(good, 21)).toEqual([]);
});

test('a certificate under the minimum days left, or expired, is named with its date and the variable', () => {
  expect(tlsProblems({ ...good, daysLeft: 7 }, 21)).toEqual([
    expect.stringMatching(/expires in 7 day\(s\).*under the 21 required \(ASTER_EXPECT_CERT_MIN_DAYS\)/),
  ]);
  expect(tlsProblems({ ...good, daysLeft: -2 }, 21)).toEqual([expect.stringContaining('has expired')]);
  expect(tlsProblems({ ...good, daysLeft: 7 }, 5)).toEqual([]);
});

test('an untrusted or wrong-name certificate is reported with issuer and names', () => {
  const [p] = tlsProblems({ ...good, untrusted: 'the certificate is for another host name (ERR_TLS_CERT_ALTNAME_INVALID)' }, 21);
  expect(p).toContain('for another host name');
  expect(p).toContain('DNS:drive.example.com');
  expect(p).toContain("Let's Encrypt");
});

test('TLS 1.0 or 1.1 accepted is a problem with the nginx fix; neither 1.2 nor 1.3 is another', () => {
  const legacy = tlsProblems({ ...good, protocols: { ...good.protocols, TLSv1: 'accepted' } }, 21);
  expect(legacy).toEqual([expect.stringMatching(/accepts TLSv1,.*ssl_protocols TLSv1\.2 TLSv1\.3/)]);
  const none = tlsProblems({ ...good, protocols: { ...good.protocols, 'TLSv1.2': 'refused (x)', 'TLSv1.3': 'refused (y)' } }, 21);
  expect(none).toEqual([expect.stringContaining('neither TLS 1.2 nor TLS 1.3')]);
});
