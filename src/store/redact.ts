/**
 * Connection strings fit for a log line or an error. A password hides in more places than
 * user:pass@: pg reads ?password= and ?sslpassword=, and redis://PASSWORD@host (a common slip for
 * redis://:PASSWORD@host) puts it where the user name goes.
 */

/** A query parameter whose value is a credential, by its name. */
const SECRET_PARAM = /pass|secret|token|key/i;
/** The same, for a string that is not a URL: name=value after ? or &. */
const SECRET_PARAM_TEXT = /([?&][^=&#]*(?:pass|secret|token|key)[^=&#]*=)[^&#]*/gi;

const isRedis = (url: URL) => url.protocol === 'redis:' || url.protocol === 'rediss:';

/** The connection string with every credential replaced by ***, whatever the scheme. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    // Redis takes a password alone more often than a user: the whole userinfo may be the secret.
    if (isRedis(parsed) && (parsed.username || parsed.password)) {
      parsed.username = '';
      parsed.password = '***';
    } else if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()])
      if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    // Not parseable: cut everything between the scheme and an @ if there is one, and secret parameters' values.
    return url.replace(/\/\/[^@/]*@/, '//***@').replace(SECRET_PARAM_TEXT, '$1***');
  }
}

/** The credentials redactUrl hides, decoded as the client reads them: for the log scrubber. Never throws. */
export function urlSecrets(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const parsed = new URL(url);
  const found = [parsed.password, ...(isRedis(parsed) ? [parsed.username] : [])].map(decoded);
  for (const [name, value] of parsed.searchParams) if (SECRET_PARAM.test(name)) found.push(value);
  return found.filter((secret) => secret !== '');
}

/** A URL part percent-decoded; as written when its encoding is malformed (a lone %), rather than throwing. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
