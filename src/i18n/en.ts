/**
 * Every word the bot says, in English: the source catalog. The other languages are typed against
 * it, so a missing string does not compile; `{name}` marks a placeholder, filled by `t()`. Command
 * names, the API's own messages, mentions, timestamps and `code` stay as they are in every language.
 */
export const en = {
  // ---------------------------------------------------------------- command descriptions (at most 100 characters)
  'cmd.apikey': "Manage this server's Stable Diffusion API key (admins only)",
  'cmd.apikey.set': "Store this server's Stable Diffusion API key (encrypted; shown only masked)",
  'cmd.apikey.set.key': 'Leave empty to enter the key in a private form (recommended), or paste your ModelsLab API key',
  'cmd.apikey.status': "Show the key (masked), who set it, the account's balance and the last clear",
  'cmd.apikey.remove': "Delete this server's stored API key",
  'cmd.access': 'Choose which roles, beyond admins, may run /clearcache (admins only)',
  'cmd.access.grant': 'Let members of a role run /clearcache',
  'cmd.access.grant.role': 'The role to grant',
  'cmd.access.revoke': 'Stop members of a role from running /clearcache',
  'cmd.access.revoke.role': 'The role to revoke',
  'cmd.access.list': 'List the roles that may run /clearcache',
  'cmd.audit': 'Show the last 10 key, access and cache events in this server (admins only)',
  'cmd.clearcache': "Clear this server's Stable Diffusion API cache (admins and granted roles)",
  'cmd.help': 'What this bot does, what you may use here, and who to ask',

  // ---------------------------------------------------------------- refusals and errors the pipeline gives
  admins: 'server admins (Administrator or Manage Server)',
  'refusal.title': 'Not allowed',
  'refusal.admin': 'Only {admins} can use `/{command}`. See `/help` for what you can use.',
  'refusal.operator':
    'Only {admins} can use `/{command}`. An admin can give a role access with `/access grant`; see `/help`.',
  'refusal.operator.roles':
    'Only {admins} and members of {roles} can use `/{command}`. An admin can give a role access with `/access grant`; see `/help`.',
  'servers-only.title': 'Servers only',
  'servers-only.body':
    "`/{command}` works inside a server, where the bot keeps that server's API key. Run it in a server channel; `/help` there says more.",
  'unknown-command.title': 'Unknown command',
  'unknown-command.body':
    "This bot has no `/{command}` any more. The bot's host should run `npm run deploy-commands` to refresh the list; `/help` lists what there is.",
  'not-understood.title': 'Not understood',
  'not-understood.body':
    "This bot did not make this form or button, or no longer uses it, so nothing was done. Use the bot's slash commands; `/help` lists them.",
  'cooldown.title': 'Please wait',
  'cooldown.body': '`/{command}` ran in this server moments ago. The next one is possible {when}.',
  'options.title': 'Options not understood',
  'options.body': 'The options given to `/{command}` do not match this command. Check them and run it again.',
  'store.title': 'Storage unavailable',
  'store.body':
    "The bot cannot read or write its database right now, so nothing was changed or sent. The bot's host has been told in the logs; try again in a few minutes.",
  'store.unknown.title': 'Outcome unknown: the database did not answer in time',
  'store.unknown.body':
    "The bot asked its database to save this change, but no answer came in time, so it may or may not have been saved. Check with {check} in a minute, and run the command again if the change is not there. The bot's host has been told in the logs.",
  'damaged.title': "This server's settings cannot be read",
  'damaged.body':
    "The bot's database holds a damaged record for this server, so nothing was changed or sent. The bot's host has been told in the logs (the line names this server).",
  'error.title': 'Something went wrong',
  'error.body':
    'The bot hit an unexpected error and logged it for its host. Nothing else was affected; try again in a moment.',
  'subcommand.title': 'Unknown subcommand',
  'subcommand.body': 'Use {choices}.',

  // ---------------------------------------------------------------- /apikey
  'key.saved.body':
    "This server's key {mask} is stored, encrypted. Admins and granted roles can now run `/clearcache`.",
  'key.saved.replaced':
    "This server's key {mask} is stored, encrypted. It replaces the previous key {previous}. Admins and granted roles can now run `/clearcache`.",
  'key.refused.title': 'Key not saved',
  'key.form.title': 'Stable Diffusion API key',
  'key.form.label': 'API key from your ModelsLab dashboard',
  'key.refused.kept': 'The key stored before is unchanged.',
  'key.problem.empty': 'The key is empty. Paste the API key from your ModelsLab dashboard.',
  'key.problem.too-long':
    'The key is {length} characters long; keys are at most {max}. Check that you pasted only the key.',
  'key.problem.whitespace': 'The key contains spaces, line breaks or invisible characters. Paste the key alone.',
  'key.problem.quoted': 'The key is in quotes. Paste the key alone, without quotes.',
  'key.problem.characters':
    'The key contains characters API keys do not use: keys are letters and digits (- and _ are allowed too). Paste the key alone, without quotes or punctuation.',
  'key.problem.too-short':
    "The key is {length} characters long; API keys are at least {min}, and ModelsLab's are much longer. Check that you copied all of it.",
  'key.problem.digits':
    'The key is only digits, so it looks like an id (of a server, user or channel), not an API key. Copy the key from your ModelsLab dashboard (API Keys).',
  'key.problem.word':
    'That looks like a word or a placeholder, not an API key: keys from the ModelsLab dashboard mix letters and digits. Copy the key itself from the dashboard (API Keys).',
  'key.unreadable': '(cannot be opened with the current ENCRYPTION_KEY)',
  'key.none.title': 'No API key set',
  'key.none.status':
    'This server has no Stable Diffusion API key. Store one with `/apikey set`; keys are on your ModelsLab dashboard.',
  'key.status.title': 'API key set',
  'key.status.body': 'Key {mask}, set by {user} on {when}.',
  'key.status.last': 'Last clear',
  'key.status.last.value': '{outcome}, by {user} on {when} ({ms} ms)',
  'key.status.last.none': 'none yet: run `/clearcache`',
  'key.removed.title': 'API key removed',
  'key.removed.body':
    'The key is deleted from the bot. `/clearcache` will do nothing until an admin runs `/apikey set` again.',
  'key.remove.none.title': 'No API key to remove',
  'key.remove.none.body': 'This server had no key stored.',
  'key.checked.title': 'API key checked and saved',
  'key.checked.body':
    'The API accepted the key {mask}, and it is stored, encrypted. Admins and granted roles can now run `/clearcache`.',
  'key.checked.replaced':
    'The API accepted the key {mask}, and it is stored, encrypted, in place of the previous key {previous}. Admins and granted roles can now run `/clearcache`.',
  'key.invalid.body':
    'The API refused this key: it is invalid or was revoked. Copy it again from your ModelsLab dashboard (API Keys).',
  'key.notsaved.title': 'API key not saved',
  'key.notsaved.body':
    "The bot could not write the key to its database, so it was not saved. The bot's host has been told in the logs; try again in a few minutes.",
  'key.notsaved.checked': 'The API accepted the key',
  'key.unchecked.title': 'API key saved, not checked',
  'key.unchecked.field': 'Why it was not checked',
  'key.unchecked.later': '`/apikey status` asks the API again.',
  'key.balance': 'Balance',
  'key.balance.value': '{balance} on the ModelsLab account',
  'key.balance.refused':
    'The API refuses the stored key: it is invalid or was revoked. An admin can store a new one with `/apikey set`.',
  'key.balance.missing': 'The API accepted the key but did not say what is left on the account.',
  'key.balance.unknown': 'Could not be checked now.',
  'check.waiting': 'The API asked for no more requests from this account until {when}, so none was sent.',
  'check.rate-limited': 'The API is rate limiting this account.',
  'check.rate-limited.when': 'The API is rate limiting this account; it takes requests again {when}.',
  'check.timeout': 'The API did not answer within {seconds} s.',
  'check.network': 'The connection to the API failed ({detail}).',
  'check.redirect':
    "The API answered HTTP {status}, a redirect, which was not followed. The bot's host should check `SD_API_BASE_URL`.",
  'check.http-error': 'The API answered HTTP {status} with {answer}.',
  'check.api': 'The API answered without saying whether the key works.',

  // ---------------------------------------------------------------- /access
  'role.missing.title': 'No role given',
  'role.missing.body': 'Pick a role in the `role` option.',
  'role.refused.title': 'Role not granted',
  'role.problem.everyone':
    'Granting @everyone would let every member clear the cache. Create a role for the people who should, and grant that.',
  'role.problem.managed':
    'That role is managed by a bot or integration and cannot be given to members. Pick a role you assign yourself.',
  'role.already.title': 'Already granted',
  'role.already.body': '{role} can already run `/clearcache`.',
  'role.granted.title': 'Access granted',
  'role.granted.body': 'Members of {role} can now run `/clearcache`.',
  'role.not-granted.title': 'Not granted',
  'role.not-granted.body': '{role} did not have access, so nothing changed.',
  'role.revoked.title': 'Access revoked',
  'role.revoked.body': 'Members of {role} can no longer run `/clearcache` (unless they are admins).',
  'roles.none.title': 'No roles granted',
  'roles.none.body': 'Only admins can run `/clearcache`. Give a role access with `/access grant`.',
  'roles.list.title': 'Roles that can run /clearcache',
  'roles.list.body': '{roles}\n\nAdmins (Administrator or Manage Server) always can.',
  'roles.list.empty': 'None.',
  'roles.more': '(+{count} more)',
  'roles.cleaned.name': 'Cleaned up',
  'roles.cleaned.value': '{count} granted role(s) no longer exist in this server and were removed from the list.',
  'roles.unchecked.name': 'Note',
  'roles.unchecked.value': "Could not check the list against the server's current roles just now.",

  // ---------------------------------------------------------------- /audit
  'audit.title': 'Audit trail (newest first)',
  'audit.empty': 'Nothing yet. Key changes, access changes and clears will show here.',
  'audit.key-set': '{user} set the API key',
  'audit.key-remove': '{user} removed the API key',
  'audit.role-grant': '{user} granted {role} access',
  'audit.role-revoke': '{user} revoked access from {role}',
  'audit.clear': '{user} cleared the cache: {outcome}',
  'audit.clear.timed': '{user} cleared the cache: {outcome} ({ms} ms)',

  // ---------------------------------------------------------------- clear outcomes, in short (status, audit)
  'outcome.ok': 'cleared',
  'outcome.invalid-key': 'invalid key',
  'outcome.no-credits': 'out of credits',
  'outcome.plan': 'not in plan',
  'outcome.rate-limited': 'rate limited',
  'outcome.processing': 'still processing',
  'outcome.api-error': 'API error',
  'outcome.http-error': 'API unavailable',
  'outcome.timeout': 'timed out',
  'outcome.network': 'network failure',

  // ---------------------------------------------------------------- /clearcache
  'api.says': 'The API says:',
  'set-key.hint':
    'A server admin can store a key with `/apikey set`; keys are on your ModelsLab dashboard (modelslab.com, API Keys).',
  'clear.ok.title': 'Cache cleared',
  'clear.ok.footer': 'API answered in {ms} ms',
  'clear.invalid-key.title': "The API refused this server's key",
  'clear.invalid-key.body': 'The stored key is invalid or was revoked.',
  'clear.no-credits.title': 'Out of credits',
  'clear.no-credits.body':
    'Add credits to the account on your ModelsLab dashboard (modelslab.com), then run `/clearcache` again. `/apikey status` shows the balance left.',
  'clear.plan.title': 'Not included in your plan',
  'clear.plan.body': "The account's plan does not allow clearing the cache. Upgrade it on modelslab.com.",
  'clear.rate-limited.title': 'Rate limited by the API',
  'clear.rate-limited.body': 'The account has too many requests queued.',
  'clear.rate-limited.when': 'Try again {when}.',
  'clear.rate-limited.later': 'Wait a minute, then try again.',
  'clear.rate-limited.capped': '(The API asked for a longer wait; the bot waits a day at most.)',
  'clear.processing.title': 'The API is still working on it',
  'clear.processing.body': 'The request was accepted and is being processed. No need to run it again.',
  'clear.processing.eta':
    'The request was accepted and is being processed. It expects to finish {when}. No need to run it again.',
  'clear.api-error.title': 'The API reported an error',
  'clear.api-error.body': 'HTTP status {status}. If this keeps happening, check the account on modelslab.com.',
  'clear.redirect.title': 'The API redirected the request',
  'clear.redirect.body':
    "It answered HTTP {status}, a redirect to another address, which was not followed so that the key goes nowhere else. The bot's host should check `SD_API_BASE_URL`: the API may have moved.",
  'clear.http-error.title': 'The API is having trouble',
  'clear.http-error.body':
    "It answered HTTP {status} with {answer}, not the expected JSON. This is on the API's side: try again in a few minutes.",
  'clear.http-error.message': "It answered HTTP {status}. This is on the API's side: try again in a few minutes.",
  'answer.empty': 'an empty answer',
  'answer.html': 'an HTML page',
  'answer.undocumented-json': 'JSON it does not document',
  'answer.not-json': 'an answer that is not JSON',
  'answer.unreadable': 'an answer the bot could not read',
  'answer.too-deep': 'JSON nested too deeply to read',
  'answer.server-error': 'a server error',
  'clear.timeout.title': 'The API did not answer in time',
  'clear.timeout.body': 'No answer within {seconds} s. The cache may not have been cleared: try again in a minute.',
  'clear.network.title': 'Could not reach the API',
  'clear.network.body':
    "The connection failed ({detail}). The API may be down, or the bot's host cannot reach it: try again later.",
  'clear.no-key.title': 'No API key set',
  'clear.no-key.body': 'This server has no Stable Diffusion API key yet, so nothing was sent.',
  'clear.unreadable.title': 'The stored key cannot be opened',
  'clear.unreadable.body':
    "The key stored for this server was sealed with a different ENCRYPTION_KEY (or is damaged), so nothing was sent. The bot's host should check ENCRYPTION_KEY; an admin can also store the key again with `/apikey set`.",
  'clear.note': 'Note',
  'clear.shared': 'Another clear for this server was already running; this is its result.',
  'clear.unrecorded': 'This clear could not be written to the audit trail.',
  'clear.busy.title': 'A clear is already running',
  'clear.busy.body':
    'Another clear for this server is still running, so nothing more was sent. Its result will show where it was asked for; run `/clearcache` again in a minute if you need to.',

  // ---------------------------------------------------------------- /help
  'help.title': 'Stable Diffusion cache bot',
  'help.about':
    "This bot clears the cache of the Stable Diffusion API (ModelsLab) account this server shares, with the server's own API key, stored encrypted.",
  'help.yours': 'What you can use here',
  'help.admin.apikey':
    '`/apikey set` (opens a private form for the key), `/apikey status`, `/apikey remove`: store, check or delete the API key',
  'help.admin.access': '`/access grant`, `/access revoke`, `/access list`: choose which roles may run `/clearcache`',
  'help.admin.audit': '`/audit`: the last 10 key, access and cache events',
  'help.clearcache': '`/clearcache`: clear the account cache (the answer is visible to the channel)',
  'help.help': '`/help`: this message',
  'help.none':
    'Only `/help`. To clear the cache, ask a server admin (Administrator or Manage Server) to run `/clearcache`, or to grant one of your roles access with `/access grant`.',
  'help.key': 'API key',
  'help.key.set': 'Set: this server has a key.',
  'help.key.unset': 'Not set: an admin stores one with `/apikey set`.',
  'help.key.unknown': 'Unknown: the bot cannot read its database right now.',
  'help.links': 'Links',
  'help.links.value':
    '[ModelsLab dashboard (API keys, credits)](https://modelslab.com/dashboard) · [API documentation](https://docs.modelslab.com)',
} as const;

export type MessageKey = keyof typeof en;

/** A language's catalog: every key of the English one, each a string. */
export type Catalog = Record<MessageKey, string>;
