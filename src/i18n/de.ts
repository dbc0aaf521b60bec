/** Every word the bot says, in German (de): du-form, Discord's own German terms for permissions. */
import type { Catalog } from './en.js';

export const de: Catalog = {
  // ---------------------------------------------------------------- command descriptions (at most 100 characters)
  'cmd.apikey': 'API-Schlüssel dieses Servers für Stable Diffusion verwalten (nur Admins)',
  'cmd.apikey.set': 'API-Schlüssel dieses Servers für Stable Diffusion speichern (verschlüsselt, nur maskiert gezeigt)',
  'cmd.apikey.set.key':
    'Leer lassen für ein privates Formular (empfohlen) oder den API-Schlüssel aus ModelsLab einfügen',
  'cmd.apikey.status': 'Schlüssel (maskiert), wer ihn gesetzt hat, Guthaben des Kontos und letzte Leerung anzeigen',
  'cmd.apikey.remove': 'Gespeicherten API-Schlüssel dieses Servers löschen',
  'cmd.access': 'Festlegen, welche Rollen außer Admins /clearcache ausführen dürfen (nur Admins)',
  'cmd.access.grant': 'Mitgliedern einer Rolle /clearcache erlauben',
  'cmd.access.grant.role': 'Die Rolle, die Zugriff bekommt',
  'cmd.access.revoke': 'Mitgliedern einer Rolle /clearcache wieder verbieten',
  'cmd.access.revoke.role': 'Die Rolle, der der Zugriff entzogen wird',
  'cmd.access.list': 'Rollen auflisten, die /clearcache ausführen dürfen',
  'cmd.audit': 'Die letzten 10 Ereignisse zu Schlüssel, Zugriff und Cache auf diesem Server zeigen (nur Admins)',
  'cmd.clearcache': 'Cache der Stable Diffusion API dieses Servers leeren (Admins und freigegebene Rollen)',
  'cmd.help': 'Was dieser Bot tut, was du hier nutzen kannst und wen du fragen kannst',

  // ---------------------------------------------------------------- refusals and errors the pipeline gives
  admins: 'Server-Admins (Berechtigung „Administrator“ oder „Server verwalten“)',
  'refusal.title': 'Nicht erlaubt',
  'refusal.admin': 'Nur {admins} können `/{command}` verwenden. Unter `/help` siehst du, was du nutzen kannst.',
  'refusal.operator':
    'Nur {admins} können `/{command}` verwenden. Ein Admin kann einer Rolle mit `/access grant` Zugriff geben; siehe `/help`.',
  'refusal.operator.roles':
    'Nur {admins} und Mitglieder von {roles} können `/{command}` verwenden. Ein Admin kann einer Rolle mit `/access grant` Zugriff geben; siehe `/help`.',
  'servers-only.title': 'Nur auf Servern',
  'servers-only.body':
    '`/{command}` funktioniert nur auf einem Server, denn dort verwahrt der Bot dessen API-Schlüssel. Führe den Befehl in einem Serverkanal aus; `/help` erklärt dort mehr.',
  'unknown-command.title': 'Unbekannter Befehl',
  'unknown-command.body':
    '`/{command}` gibt es bei diesem Bot nicht mehr. Der Betreiber des Bots sollte `npm run deploy-commands` ausführen, um die Liste zu aktualisieren; `/help` zeigt, was es gibt.',
  'not-understood.title': 'Nicht verstanden',
  'not-understood.body':
    'Dieses Formular oder dieser Button stammt nicht von diesem Bot oder wird nicht mehr verwendet; es wurde nichts getan. Nutze die Slash-Befehle des Bots; `/help` listet sie auf.',
  'cooldown.title': 'Bitte warten',
  'cooldown.body':
    '`/{command}` wurde auf diesem Server gerade erst ausgeführt. Der nächste Aufruf ist {when} möglich.',
  'options.title': 'Optionen nicht verstanden',
  'options.body': 'Die Optionen für `/{command}` passen nicht zu diesem Befehl. Prüfe sie und führe ihn erneut aus.',
  'store.title': 'Speicher nicht verfügbar',
  'store.body':
    'Der Bot kann seine Datenbank gerade weder lesen noch schreiben, daher wurde nichts geändert oder gesendet. Der Betreiber des Bots wurde über die Logs informiert; versuche es in ein paar Minuten erneut.',
  'store.unknown.title': 'Ergebnis unbekannt: die Datenbank hat nicht rechtzeitig geantwortet',
  'store.unknown.body':
    'Der Bot hat seine Datenbank gebeten, diese Änderung zu speichern, aber keine Antwort kam rechtzeitig – sie wurde also vielleicht gespeichert, vielleicht nicht. Prüfe es in einer Minute mit {check} und führe den Befehl erneut aus, falls die Änderung fehlt. Der Betreiber des Bots wurde über die Logs informiert.',
  'damaged.title': 'Die Einstellungen dieses Servers sind nicht lesbar',
  'damaged.body':
    'Die Datenbank des Bots enthält einen beschädigten Eintrag für diesen Server, daher wurde nichts geändert oder gesendet. Der Betreiber des Bots wurde über die Logs informiert (die Logzeile nennt diesen Server).',
  'error.title': 'Etwas ist schiefgelaufen',
  'error.body':
    'Der Bot ist auf einen unerwarteten Fehler gestoßen und hat ihn für seinen Betreiber protokolliert. Sonst ist nichts betroffen; versuche es gleich noch einmal.',
  'subcommand.title': 'Unbekannter Unterbefehl',
  'subcommand.body': 'Verwende {choices}.',

  // ---------------------------------------------------------------- /apikey
  'key.saved.body':
    'Der Schlüssel {mask} dieses Servers ist verschlüsselt gespeichert. Admins und freigegebene Rollen können jetzt `/clearcache` ausführen.',
  'key.saved.replaced':
    'Der Schlüssel {mask} dieses Servers ist verschlüsselt gespeichert. Er ersetzt den bisherigen Schlüssel {previous}. Admins und freigegebene Rollen können jetzt `/clearcache` ausführen.',
  'key.refused.title': 'Schlüssel nicht gespeichert',
  'key.form.title': 'API-Schlüssel für Stable Diffusion',
  'key.form.label': 'API-Schlüssel aus dem ModelsLab-Dashboard',
  'key.refused.kept': 'Der bisher gespeicherte Schlüssel bleibt unverändert.',
  'key.problem.empty': 'Der Schlüssel ist leer. Füge den API-Schlüssel aus deinem ModelsLab-Dashboard ein.',
  'key.problem.too-long':
    'Der Schlüssel ist {length} Zeichen lang; Schlüssel haben höchstens {max}. Prüfe, ob du nur den Schlüssel eingefügt hast.',
  'key.problem.whitespace':
    'Der Schlüssel enthält Leerzeichen, Zeilenumbrüche oder unsichtbare Zeichen. Füge nur den Schlüssel ein.',
  'key.problem.quoted': 'Der Schlüssel steht in Anführungszeichen. Füge nur den Schlüssel ein, ohne Anführungszeichen.',
  'key.problem.characters':
    'Der Schlüssel enthält Zeichen, die in API-Schlüsseln nicht vorkommen: Schlüssel bestehen aus Buchstaben und Ziffern (auch - und _ sind erlaubt). Füge nur den Schlüssel ein, ohne Anführungszeichen oder Satzzeichen.',
  'key.problem.too-short':
    'Der Schlüssel ist {length} Zeichen lang; API-Schlüssel haben mindestens {min}, die von ModelsLab deutlich mehr. Prüfe, ob du ihn vollständig kopiert hast.',
  'key.problem.digits':
    'Der Schlüssel besteht nur aus Ziffern und sieht daher nach einer ID aus (eines Servers, Nutzers oder Kanals), nicht nach einem API-Schlüssel. Kopiere den Schlüssel aus deinem ModelsLab-Dashboard (API Keys).',
  'key.problem.word':
    'Das sieht nach einem Wort oder Platzhalter aus, nicht nach einem API-Schlüssel: Schlüssel aus dem ModelsLab-Dashboard mischen Buchstaben und Ziffern. Kopiere den Schlüssel selbst aus dem Dashboard (API Keys).',
  'key.unreadable': '(lässt sich mit dem aktuellen ENCRYPTION_KEY nicht öffnen)',
  'key.none.title': 'Kein API-Schlüssel gesetzt',
  'key.none.status':
    'Dieser Server hat keinen API-Schlüssel für Stable Diffusion. Speichere einen mit `/apikey set`; Schlüssel findest du in deinem ModelsLab-Dashboard.',
  'key.status.title': 'API-Schlüssel gesetzt',
  'key.status.body': 'Schlüssel {mask}, gesetzt von {user} am {when}.',
  'key.status.last': 'Letzte Leerung',
  'key.status.last.value': '{outcome}, von {user} am {when} ({ms} ms)',
  'key.status.last.none': 'noch keine: führe `/clearcache` aus',
  'key.removed.title': 'API-Schlüssel entfernt',
  'key.removed.body':
    'Der Schlüssel ist aus dem Bot gelöscht. `/clearcache` bewirkt nichts, bis ein Admin wieder `/apikey set` ausführt.',
  'key.remove.none.title': 'Kein API-Schlüssel zum Entfernen',
  'key.remove.none.body': 'Für diesen Server war kein Schlüssel gespeichert.',
  'key.checked.title': 'API-Schlüssel geprüft und gespeichert',
  'key.checked.body':
    'Die API hat den Schlüssel {mask} angenommen; er ist verschlüsselt gespeichert. Admins und freigegebene Rollen können jetzt `/clearcache` ausführen.',
  'key.checked.replaced':
    'Die API hat den Schlüssel {mask} angenommen; er ist verschlüsselt gespeichert und ersetzt den bisherigen Schlüssel {previous}. Admins und freigegebene Rollen können jetzt `/clearcache` ausführen.',
  'key.invalid.body':
    'Die API hat diesen Schlüssel abgelehnt: Er ist ungültig oder wurde widerrufen. Kopiere ihn erneut aus deinem ModelsLab-Dashboard (API Keys).',
  'key.notsaved.title': 'API-Schlüssel nicht gespeichert',
  'key.notsaved.body':
    'Der Bot konnte den Schlüssel nicht in seine Datenbank schreiben, daher wurde er nicht gespeichert. Der Betreiber des Bots wurde über die Logs informiert; versuche es in ein paar Minuten erneut.',
  'key.notsaved.checked': 'Die API hat den Schlüssel angenommen',
  'key.unchecked.title': 'API-Schlüssel gespeichert, nicht geprüft',
  'key.unchecked.field': 'Warum er nicht geprüft wurde',
  'key.unchecked.later': '`/apikey status` fragt die API erneut.',
  'key.balance': 'Guthaben',
  'key.balance.value': '{balance} auf dem ModelsLab-Konto',
  'key.balance.refused':
    'Die API lehnt den gespeicherten Schlüssel ab: Er ist ungültig oder wurde widerrufen. Ein Admin kann mit `/apikey set` einen neuen speichern.',
  'key.balance.missing': 'Die API hat den Schlüssel angenommen, aber nicht gesagt, wie viel Guthaben übrig ist.',
  'key.balance.unknown': 'Konnte gerade nicht abgefragt werden.',
  'check.waiting':
    'Die API hat gebeten, von diesem Konto bis {when} keine Anfragen mehr zu senden, daher wurde keine gesendet.',
  'check.rate-limited': 'Die API begrenzt gerade die Anfragen dieses Kontos.',
  'check.rate-limited.when': 'Die API begrenzt gerade die Anfragen dieses Kontos; sie nimmt wieder welche an {when}.',
  'check.timeout': 'Die API hat nicht innerhalb von {seconds} s geantwortet.',
  'check.network': 'Die Verbindung zur API ist fehlgeschlagen ({detail}).',
  'check.redirect':
    'Die API hat mit HTTP {status} geantwortet, einer Weiterleitung, der nicht gefolgt wurde. Der Betreiber des Bots sollte `SD_API_BASE_URL` prüfen.',
  'check.http-error': 'Die API hat mit HTTP {status} und {answer} geantwortet.',
  'check.api': 'Die API hat geantwortet, ohne zu sagen, ob der Schlüssel gültig ist.',

  // ---------------------------------------------------------------- /access
  'role.missing.title': 'Keine Rolle angegeben',
  'role.missing.body': 'Wähle eine Rolle in der Option `role`.',
  'role.refused.title': 'Rolle nicht freigegeben',
  'role.problem.everyone':
    'Eine Freigabe für @everyone würde jedem Mitglied erlauben, den Cache zu leeren. Erstelle eine Rolle für die Leute, die das dürfen sollen, und gib diese frei.',
  'role.problem.managed':
    'Diese Rolle wird von einem Bot oder einer Integration verwaltet und kann Mitgliedern nicht zugewiesen werden. Wähle eine Rolle, die du selbst vergibst.',
  'role.already.title': 'Bereits freigegeben',
  'role.already.body': '{role} darf `/clearcache` bereits ausführen.',
  'role.granted.title': 'Zugriff erteilt',
  'role.granted.body': 'Mitglieder von {role} können jetzt `/clearcache` ausführen.',
  'role.not-granted.title': 'Nicht freigegeben',
  'role.not-granted.body': '{role} hatte keinen Zugriff, daher hat sich nichts geändert.',
  'role.revoked.title': 'Zugriff entzogen',
  'role.revoked.body': 'Mitglieder von {role} können `/clearcache` nicht mehr ausführen (außer sie sind Admins).',
  'roles.none.title': 'Keine Rollen freigegeben',
  'roles.none.body': 'Nur Admins können `/clearcache` ausführen. Gib einer Rolle mit `/access grant` Zugriff.',
  'roles.list.title': 'Rollen, die /clearcache ausführen dürfen',
  'roles.list.body': '{roles}\n\nAdmins (Berechtigung „Administrator“ oder „Server verwalten“) dürfen es immer.',
  'roles.list.empty': 'Keine.',
  'roles.more': '(+{count} weitere)',
  'roles.cleaned.name': 'Aufgeräumt',
  'roles.cleaned.value':
    'Freigegebene Rollen, die es auf diesem Server nicht mehr gibt, wurden aus der Liste entfernt: {count}.',
  'roles.unchecked.name': 'Hinweis',
  'roles.unchecked.value': 'Die Liste konnte gerade nicht mit den aktuellen Rollen des Servers abgeglichen werden.',

  // ---------------------------------------------------------------- /audit
  'audit.title': 'Protokoll (neueste zuerst)',
  'audit.empty': 'Noch nichts. Änderungen am Schlüssel, am Zugriff und Leerungen erscheinen hier.',
  'audit.key-set': '{user} hat den API-Schlüssel gesetzt',
  'audit.key-remove': '{user} hat den API-Schlüssel entfernt',
  'audit.role-grant': '{user} hat {role} Zugriff gegeben',
  'audit.role-revoke': '{user} hat {role} den Zugriff entzogen',
  'audit.clear': '{user} hat den Cache geleert: {outcome}',
  'audit.clear.timed': '{user} hat den Cache geleert: {outcome} ({ms} ms)',

  // ---------------------------------------------------------------- clear outcomes, in short (status, audit)
  'outcome.ok': 'geleert',
  'outcome.invalid-key': 'ungültiger Schlüssel',
  'outcome.no-credits': 'kein Guthaben',
  'outcome.plan': 'nicht im Tarif',
  'outcome.rate-limited': 'Ratenlimit erreicht',
  'outcome.processing': 'wird noch verarbeitet',
  'outcome.api-error': 'API-Fehler',
  'outcome.http-error': 'API nicht verfügbar',
  'outcome.timeout': 'Zeitüberschreitung',
  'outcome.network': 'Netzwerkfehler',

  // ---------------------------------------------------------------- /clearcache
  'api.says': 'Die API meldet:',
  'set-key.hint':
    'Ein Server-Admin kann mit `/apikey set` einen Schlüssel speichern; Schlüssel findest du in deinem ModelsLab-Dashboard (modelslab.com, API Keys).',
  'clear.ok.title': 'Cache geleert',
  'clear.ok.footer': 'Die API hat in {ms} ms geantwortet',
  'clear.invalid-key.title': 'Die API hat den Schlüssel dieses Servers abgelehnt',
  'clear.invalid-key.body': 'Der gespeicherte Schlüssel ist ungültig oder wurde widerrufen.',
  'clear.no-credits.title': 'Kein Guthaben mehr',
  'clear.no-credits.body':
    'Lade im ModelsLab-Dashboard (modelslab.com) Guthaben auf das Konto und führe dann `/clearcache` erneut aus. `/apikey status` zeigt das verbleibende Guthaben.',
  'clear.plan.title': 'Nicht in deinem Tarif enthalten',
  'clear.plan.body':
    'Der Tarif des Kontos erlaubt das Leeren des Caches nicht. Wechsle auf modelslab.com zu einem höheren Tarif.',
  'clear.rate-limited.title': 'Von der API gedrosselt',
  'clear.rate-limited.body': 'Für das Konto warten zu viele Anfragen in der Warteschlange.',
  'clear.rate-limited.when': 'Versuche es {when} erneut.',
  'clear.rate-limited.later': 'Warte eine Minute und versuche es dann erneut.',
  'clear.rate-limited.capped': '(Die API hat eine längere Wartezeit verlangt; der Bot wartet höchstens einen Tag.)',
  'clear.processing.title': 'Die API arbeitet noch daran',
  'clear.processing.body': 'Die Anfrage wurde angenommen und wird verarbeitet. Du musst sie nicht erneut ausführen.',
  'clear.processing.eta':
    'Die Anfrage wurde angenommen und wird verarbeitet. Sie ist voraussichtlich {when} fertig. Du musst sie nicht erneut ausführen.',
  'clear.api-error.title': 'Die API hat einen Fehler gemeldet',
  'clear.api-error.body': 'HTTP-Status {status}. Wenn das öfter passiert, prüfe das Konto auf modelslab.com.',
  'clear.redirect.title': 'Die API hat die Anfrage umgeleitet',
  'clear.redirect.body':
    'Sie hat mit HTTP {status} geantwortet, also mit einer Weiterleitung an eine andere Adresse. Der Bot ist ihr nicht gefolgt, damit der Schlüssel nirgendwo anders hingeht. Der Betreiber des Bots sollte `SD_API_BASE_URL` prüfen: Die API ist vielleicht umgezogen.',
  'clear.http-error.title': 'Die API hat Probleme',
  'clear.http-error.body':
    'Sie hat mit HTTP {status} und {answer} geantwortet statt mit dem erwarteten JSON. Das Problem liegt bei der API: Versuche es in ein paar Minuten erneut.',
  'clear.http-error.message':
    'Sie hat mit HTTP {status} geantwortet. Das Problem liegt bei der API: Versuche es in ein paar Minuten erneut.',
  'answer.empty': 'einer leeren Antwort',
  'answer.html': 'einer HTML-Seite',
  'answer.undocumented-json': 'undokumentiertem JSON',
  'answer.not-json': 'einer Antwort, die kein JSON ist',
  'answer.unreadable': 'einer Antwort, die der Bot nicht lesen konnte',
  'answer.too-deep': 'zu tief verschachteltem JSON',
  'answer.server-error': 'einem Serverfehler',
  'clear.timeout.title': 'Die API hat nicht rechtzeitig geantwortet',
  'clear.timeout.body':
    'Keine Antwort innerhalb von {seconds} s. Der Cache wurde vielleicht nicht geleert: Versuche es in einer Minute erneut.',
  'clear.network.title': 'API nicht erreichbar',
  'clear.network.body':
    'Die Verbindung ist fehlgeschlagen ({detail}). Die API ist vielleicht ausgefallen, oder der Bot erreicht sie von seinem Host aus nicht: Versuche es später erneut.',
  'clear.no-key.title': 'Kein API-Schlüssel gesetzt',
  'clear.no-key.body': 'Dieser Server hat noch keinen API-Schlüssel für Stable Diffusion, daher wurde nichts gesendet.',
  'clear.unreadable.title': 'Der gespeicherte Schlüssel lässt sich nicht öffnen',
  'clear.unreadable.body':
    'Der für diesen Server gespeicherte Schlüssel wurde mit einem anderen ENCRYPTION_KEY versiegelt (oder ist beschädigt), daher wurde nichts gesendet. Der Betreiber des Bots sollte ENCRYPTION_KEY prüfen; ein Admin kann den Schlüssel auch mit `/apikey set` neu speichern.',
  'clear.note': 'Hinweis',
  'clear.shared': 'Für diesen Server lief bereits eine andere Leerung; dies ist ihr Ergebnis.',
  'clear.unrecorded': 'Diese Leerung konnte nicht ins Protokoll geschrieben werden.',
  'clear.busy.title': 'Eine Leerung läuft bereits',
  'clear.busy.body':
    'Für diesen Server läuft noch eine andere Leerung, daher wurde nichts weiter gesendet. Ihr Ergebnis erscheint dort, wo sie angefordert wurde; führe `/clearcache` bei Bedarf in einer Minute erneut aus.',

  // ---------------------------------------------------------------- /help
  'help.title': 'Cache-Bot für Stable Diffusion',
  'help.about':
    'Dieser Bot leert den Cache des Kontos bei der Stable Diffusion API (ModelsLab), das sich dieser Server teilt – mit dem eigenen API-Schlüssel des Servers, verschlüsselt gespeichert.',
  'help.yours': 'Was du hier nutzen kannst',
  'help.admin.apikey':
    '`/apikey set` (öffnet ein privates Formular für den Schlüssel), `/apikey status`, `/apikey remove`: API-Schlüssel speichern, prüfen oder löschen',
  'help.admin.access':
    '`/access grant`, `/access revoke`, `/access list`: festlegen, welche Rollen `/clearcache` ausführen dürfen',
  'help.admin.audit': '`/audit`: die letzten 10 Ereignisse zu Schlüssel, Zugriff und Cache',
  'help.clearcache': '`/clearcache`: den Cache des Kontos leeren (die Antwort ist im Kanal sichtbar)',
  'help.help': '`/help`: diese Nachricht',
  'help.none':
    'Nur `/help`. Um den Cache zu leeren, bitte einen Server-Admin (Berechtigung „Administrator“ oder „Server verwalten“), `/clearcache` auszuführen oder einer deiner Rollen mit `/access grant` Zugriff zu geben.',
  'help.key': 'API-Schlüssel',
  'help.key.set': 'Gesetzt: Dieser Server hat einen Schlüssel.',
  'help.key.unset': 'Nicht gesetzt: Ein Admin speichert einen mit `/apikey set`.',
  'help.key.unknown': 'Unbekannt: Der Bot kann seine Datenbank gerade nicht lesen.',
  'help.links': 'Links',
  'help.links.value':
    '[ModelsLab-Dashboard (API-Schlüssel, Guthaben)](https://modelslab.com/dashboard) · [API-Dokumentation](https://docs.modelslab.com)',
};
