/** Why the HTTP server could not listen, as one line naming HTTP_HOST or HTTP_PORT and the fix. */
export function listenErrorMessage(host: string, port: number, error: unknown): string {
  const { code } = (error ?? {}) as { code?: unknown };
  switch (code) {
    case 'EADDRINUSE':
      return `HTTP_PORT ${port} on HTTP_HOST ${host} is already in use by another process: stop it or pick another HTTP_PORT`;
    case 'EACCES':
      return `HTTP_PORT ${port} on HTTP_HOST ${host} needs privileges this process lacks: pick a port above 1023 (and let the reverse proxy take 443)`;
    case 'EADDRNOTAVAIL':
      return `HTTP_HOST ${host} is not an address of this machine: set it to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return `HTTP_HOST ${host} is not an address and its name cannot be resolved (${String(code)}): set it to an IP address of this machine, 127.0.0.1 or 0.0.0.0`;
    default:
      return `the HTTP server cannot listen on HTTP_HOST ${host}, HTTP_PORT ${port} (${String(code ?? (error as Error)?.message)}): check both`;
  }
}
