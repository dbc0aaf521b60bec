/** A connection string fit for a log line or an error: the password replaced, whatever the scheme. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not parseable: cut everything between the scheme and an @ if there is one.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
