/** Every word the bot says, in French (fr): vous-form, Discord's own French terms (salon, « Gérer le serveur »). */
import type { Catalog } from './en.js';

export const fr: Catalog = {
  // ---------------------------------------------------------------- command descriptions (at most 100 characters)
  'cmd.apikey': 'Gérer la clé API Stable Diffusion de ce serveur (admins uniquement)',
  'cmd.apikey.set': 'Enregistrer la clé API Stable Diffusion de ce serveur (chiffrée, affichée masquée)',
  'cmd.apikey.set.key':
    'Laissez vide pour saisir la clé dans un formulaire privé (conseillé), ou collez la clé API ModelsLab',
  'cmd.apikey.status': "Afficher la clé (masquée), qui l'a définie, le solde du compte et le dernier vidage",
  'cmd.apikey.remove': 'Supprimer la clé API enregistrée pour ce serveur',
  'cmd.access': 'Choisir quels rôles, en plus des admins, peuvent lancer /clearcache (admins uniquement)',
  'cmd.access.grant': "Autoriser les membres d'un rôle à lancer /clearcache",
  'cmd.access.grant.role': 'Le rôle à autoriser',
  'cmd.access.revoke': "Retirer aux membres d'un rôle le droit de lancer /clearcache",
  'cmd.access.revoke.role': "Le rôle dont retirer l'accès",
  'cmd.access.list': 'Lister les rôles autorisés à lancer /clearcache',
  'cmd.audit': 'Afficher les 10 derniers événements (clé, accès, cache) de ce serveur (admins uniquement)',
  'cmd.clearcache': "Vider le cache de l'API Stable Diffusion de ce serveur (admins et rôles autorisés)",
  'cmd.help': 'Ce que fait ce bot, ce que vous pouvez utiliser ici et à qui vous adresser',

  // ---------------------------------------------------------------- refusals and errors the pipeline gives
  admins: 'les admins du serveur (permission « Administrateur » ou « Gérer le serveur »)',
  'refusal.title': 'Non autorisé',
  'refusal.admin':
    'Seuls {admins} peuvent utiliser `/{command}`. Consultez `/help` pour voir ce que vous pouvez utiliser.',
  'refusal.operator':
    'Seuls {admins} peuvent utiliser `/{command}`. Un admin peut donner accès à un rôle avec `/access grant` ; voir `/help`.',
  'refusal.operator.roles':
    'Seuls {admins} et les membres de {roles} peuvent utiliser `/{command}`. Un admin peut donner accès à un rôle avec `/access grant` ; voir `/help`.',
  'servers-only.title': 'Serveurs uniquement',
  'servers-only.body':
    '`/{command}` fonctionne dans un serveur, là où le bot garde la clé API de ce serveur. Lancez la commande dans un salon du serveur ; `/help` y donne plus de détails.',
  'unknown-command.title': 'Commande inconnue',
  'unknown-command.body':
    "Ce bot n'a plus de commande `/{command}`. L'hébergeur du bot doit lancer `npm run deploy-commands` pour actualiser la liste ; `/help` indique les commandes disponibles.",
  'not-understood.title': 'Non compris',
  'not-understood.body':
    "Ce formulaire ou ce bouton ne vient pas de ce bot, ou n'est plus utilisé : rien n'a été fait. Utilisez les commandes slash du bot ; `/help` les liste.",
  'cooldown.title': 'Veuillez patienter',
  'cooldown.body': "`/{command}` vient d'être lancée sur ce serveur. La prochaine sera possible {when}.",
  'options.title': 'Options non comprises',
  'options.body':
    'Les options données à `/{command}` ne correspondent pas à cette commande. Vérifiez-les et relancez-la.',
  'store.title': 'Stockage indisponible',
  'store.body':
    "Le bot ne peut ni lire ni écrire sa base de données pour le moment : rien n'a été modifié ni envoyé. L'hébergeur du bot a été prévenu dans les journaux ; réessayez dans quelques minutes.",
  'store.unknown.title': 'Résultat inconnu : la base de données n’a pas répondu à temps',
  'store.unknown.body':
    "Le bot a demandé à sa base de données d'enregistrer ce changement, mais aucune réponse n'est arrivée à temps : il a peut-être été enregistré, peut-être pas. Vérifiez avec {check} dans une minute, et relancez la commande si le changement n'y est pas. L'hébergeur du bot a été prévenu dans les journaux.",
  'damaged.title': 'Les paramètres de ce serveur sont illisibles',
  'damaged.body':
    "La base de données du bot contient un enregistrement endommagé pour ce serveur : rien n'a été modifié ni envoyé. L'hébergeur du bot a été prévenu dans les journaux (la ligne nomme ce serveur).",
  'error.title': "Une erreur s'est produite",
  'error.body':
    "Le bot a rencontré une erreur inattendue et l'a consignée pour son hébergeur. Rien d'autre n'a été touché ; réessayez dans un instant.",
  'subcommand.title': 'Sous-commande inconnue',
  'subcommand.body': 'Utilisez {choices}.',

  // ---------------------------------------------------------------- /apikey
  'key.saved.body':
    'La clé {mask} de ce serveur est enregistrée, chiffrée. Les admins et les rôles autorisés peuvent maintenant lancer `/clearcache`.',
  'key.saved.replaced':
    'La clé {mask} de ce serveur est enregistrée, chiffrée. Elle remplace la clé précédente {previous}. Les admins et les rôles autorisés peuvent maintenant lancer `/clearcache`.',
  'key.refused.title': 'Clé non enregistrée',
  'key.form.title': 'Clé API Stable Diffusion',
  'key.form.label': 'Clé API du tableau de bord ModelsLab',
  'key.refused.kept': 'La clé enregistrée auparavant est inchangée.',
  'key.problem.empty': 'La clé est vide. Collez la clé API de votre tableau de bord ModelsLab.',
  'key.problem.too-long':
    "La clé fait {length} caractères ; une clé en fait au plus {max}. Vérifiez que vous n'avez collé que la clé.",
  'key.problem.whitespace':
    'La clé contient des espaces, des retours à la ligne ou des caractères invisibles. Collez la clé seule.',
  'key.problem.quoted': 'La clé est entre guillemets. Collez la clé seule, sans guillemets.',
  'key.problem.characters':
    "La clé contient des caractères qu'une clé API n'utilise pas : les clés sont faites de lettres et de chiffres (- et _ sont aussi permis). Collez la clé seule, sans guillemets ni ponctuation.",
  'key.problem.too-short':
    "La clé fait {length} caractères ; une clé API en fait au moins {min}, et celles de ModelsLab bien plus. Vérifiez que vous l'avez copiée en entier.",
  'key.problem.digits':
    "La clé ne contient que des chiffres : elle ressemble à un identifiant (de serveur, d'utilisateur ou de salon), pas à une clé API. Copiez la clé depuis votre tableau de bord ModelsLab (API Keys).",
  'key.problem.word':
    "Cela ressemble à un mot ou à un texte d'exemple, pas à une clé API : les clés du tableau de bord ModelsLab mêlent lettres et chiffres. Copiez la clé elle-même depuis le tableau de bord (API Keys).",
  'key.unreadable': "(impossible à ouvrir avec l'ENCRYPTION_KEY actuelle)",
  'key.none.title': 'Aucune clé API définie',
  'key.none.status':
    "Ce serveur n'a pas de clé API Stable Diffusion. Enregistrez-en une avec `/apikey set` ; les clés se trouvent sur votre tableau de bord ModelsLab.",
  'key.status.title': 'Clé API définie',
  'key.status.body': 'Clé {mask}, définie par {user} le {when}.',
  'key.status.last': 'Dernier vidage',
  'key.status.last.value': '{outcome}, par {user} le {when} ({ms} ms)',
  'key.status.last.none': "aucun pour l'instant : lancez `/clearcache`",
  'key.removed.title': 'Clé API supprimée',
  'key.removed.body':
    "La clé est supprimée du bot. `/clearcache` ne fera rien tant qu'un admin n'aura pas relancé `/apikey set`.",
  'key.remove.none.title': 'Aucune clé API à supprimer',
  'key.remove.none.body': "Ce serveur n'avait aucune clé enregistrée.",
  'key.checked.title': "Clé d'API vérifiée et enregistrée",
  'key.checked.body':
    "L'API a accepté la clé {mask}, qui est enregistrée, chiffrée. Les admins et les rôles autorisés peuvent maintenant lancer `/clearcache`.",
  'key.checked.replaced':
    "L'API a accepté la clé {mask}, qui est enregistrée, chiffrée, à la place de la clé précédente {previous}. Les admins et les rôles autorisés peuvent maintenant lancer `/clearcache`.",
  'key.invalid.body':
    "L'API a refusé cette clé : elle est invalide ou a été révoquée. Copiez-la à nouveau depuis votre tableau de bord ModelsLab (API Keys).",
  'key.notsaved.title': "Clé d'API non enregistrée",
  'key.notsaved.body':
    "Le bot n'a pas pu écrire la clé dans sa base de données : elle n'a pas été enregistrée. L'hébergeur du bot a été prévenu dans les journaux ; réessayez dans quelques minutes.",
  'key.notsaved.checked': "L'API a accepté la clé",
  'key.unchecked.title': "Clé d'API enregistrée, non vérifiée",
  'key.unchecked.field': "Pourquoi elle n'a pas été vérifiée",
  'key.unchecked.later': "`/apikey status` interroge à nouveau l'API.",
  'key.balance': 'Solde',
  'key.balance.value': '{balance} sur le compte ModelsLab',
  'key.balance.refused':
    "L'API refuse la clé enregistrée : elle est invalide ou a été révoquée. Un admin peut en enregistrer une nouvelle avec `/apikey set`.",
  'key.balance.missing': "L'API a accepté la clé mais n'a pas indiqué le solde restant sur le compte.",
  'key.balance.unknown': 'Impossible de le vérifier pour le moment.',
  'check.waiting':
    "L'API a demandé de ne plus rien envoyer pour ce compte avant {when} : aucune requête n'a donc été envoyée.",
  'check.rate-limited': "L'API limite en ce moment les requêtes de ce compte.",
  'check.rate-limited.when': "L'API limite en ce moment les requêtes de ce compte ; elle en accepte à nouveau {when}.",
  'check.timeout': "L'API n'a pas répondu dans les {seconds} s.",
  'check.network': "La connexion à l'API a échoué ({detail}).",
  'check.redirect':
    "L'API a répondu HTTP {status}, une redirection, qui n'a pas été suivie. L'hébergeur du bot doit vérifier `SD_API_BASE_URL`.",
  'check.http-error': "L'API a répondu HTTP {status} avec {answer}.",
  'check.api': "L'API a répondu sans dire si la clé fonctionne.",

  // ---------------------------------------------------------------- /access
  'role.missing.title': 'Aucun rôle indiqué',
  'role.missing.body': "Choisissez un rôle dans l'option `role`.",
  'role.refused.title': 'Autorisation refusée',
  'role.problem.everyone':
    'Autoriser @everyone permettrait à tous les membres de vider le cache. Créez un rôle pour les personnes concernées et autorisez ce rôle.',
  'role.problem.managed':
    'Ce rôle est géré par un bot ou une intégration et ne peut pas être attribué aux membres. Choisissez un rôle que vous attribuez vous-même.',
  'role.already.title': 'Déjà autorisé',
  'role.already.body': '{role} peut déjà lancer `/clearcache`.',
  'role.granted.title': 'Accès accordé',
  'role.granted.body': 'Les membres de {role} peuvent maintenant lancer `/clearcache`.',
  'role.not-granted.title': 'Rôle non autorisé',
  'role.not-granted.body': "{role} n'avait pas accès : rien n'a changé.",
  'role.revoked.title': 'Accès retiré',
  'role.revoked.body': "Les membres de {role} ne peuvent plus lancer `/clearcache` (sauf s'ils sont admins).",
  'roles.none.title': 'Aucun rôle autorisé',
  'roles.none.body': 'Seuls les admins peuvent lancer `/clearcache`. Donnez accès à un rôle avec `/access grant`.',
  'roles.list.title': 'Rôles pouvant lancer /clearcache',
  'roles.list.body':
    '{roles}\n\nLes admins (permission « Administrateur » ou « Gérer le serveur ») le peuvent toujours.',
  'roles.list.empty': 'Aucun.',
  'roles.more': '(+{count} autres)',
  'roles.cleaned.name': 'Liste nettoyée',
  'roles.cleaned.value': "Rôles autorisés retirés de la liste parce qu'ils n'existent plus sur ce serveur : {count}.",
  'roles.unchecked.name': 'Remarque',
  'roles.unchecked.value': "Impossible pour l'instant de comparer la liste aux rôles actuels du serveur.",

  // ---------------------------------------------------------------- /audit
  'audit.title': "Journal d'audit (plus récents d'abord)",
  'audit.empty': "Rien pour l'instant. Les changements de clé et d'accès et les vidages apparaîtront ici.",
  'audit.key-set': '{user} a défini la clé API',
  'audit.key-remove': '{user} a supprimé la clé API',
  'audit.role-grant': '{user} a donné accès à {role}',
  'audit.role-revoke': "{user} a retiré l'accès à {role}",
  'audit.clear': '{user} a vidé le cache : {outcome}',
  'audit.clear.timed': '{user} a vidé le cache : {outcome} ({ms} ms)',

  // ---------------------------------------------------------------- clear outcomes, in short (status, audit)
  'outcome.ok': 'vidé',
  'outcome.invalid-key': 'clé invalide',
  'outcome.no-credits': 'crédits épuisés',
  'outcome.plan': 'hors forfait',
  'outcome.rate-limited': 'limite de requêtes atteinte',
  'outcome.processing': 'en cours de traitement',
  'outcome.api-error': "erreur de l'API",
  'outcome.http-error': 'API indisponible',
  'outcome.timeout': 'délai dépassé',
  'outcome.network': 'erreur réseau',

  // ---------------------------------------------------------------- /clearcache
  'api.says': "Réponse de l'API :",
  'set-key.hint':
    'Un admin du serveur peut enregistrer une clé avec `/apikey set` ; les clés se trouvent sur votre tableau de bord ModelsLab (modelslab.com, API Keys).',
  'clear.ok.title': 'Cache vidé',
  'clear.ok.footer': "Réponse de l'API en {ms} ms",
  'clear.invalid-key.title': "L'API a refusé la clé de ce serveur",
  'clear.invalid-key.body': 'La clé enregistrée est invalide ou a été révoquée.',
  'clear.no-credits.title': 'Crédits épuisés',
  'clear.no-credits.body':
    'Ajoutez des crédits au compte sur votre tableau de bord ModelsLab (modelslab.com), puis relancez `/clearcache`. `/apikey status` affiche le solde restant.',
  'clear.plan.title': 'Non inclus dans votre forfait',
  'clear.plan.body':
    'Le forfait du compte ne permet pas de vider le cache. Passez à un forfait supérieur sur modelslab.com.',
  'clear.rate-limited.title': "Limité par l'API",
  'clear.rate-limited.body': 'Le compte a trop de requêtes en attente.',
  'clear.rate-limited.when': 'Réessayez {when}.',
  'clear.rate-limited.later': 'Attendez une minute, puis réessayez.',
  'clear.rate-limited.capped': "(L'API demandait une attente plus longue ; le bot attend au plus un jour.)",
  'clear.processing.title': "L'API y travaille encore",
  'clear.processing.body': 'La requête a été acceptée et est en cours de traitement. Inutile de la relancer.',
  'clear.processing.eta':
    'La requête a été acceptée et est en cours de traitement. Fin prévue {when}. Inutile de la relancer.',
  'clear.api-error.title': "L'API a signalé une erreur",
  'clear.api-error.body': 'Statut HTTP {status}. Si cela se reproduit, vérifiez le compte sur modelslab.com.',
  'clear.redirect.title': "L'API a redirigé la requête",
  'clear.redirect.body':
    "Elle a répondu HTTP {status}, une redirection vers une autre adresse, que le bot n'a pas suivie pour que la clé n'aille nulle part ailleurs. L'hébergeur du bot doit vérifier `SD_API_BASE_URL` : l'API a peut-être changé d'adresse.",
  'clear.http-error.title': "L'API rencontre des difficultés",
  'clear.http-error.body':
    "Elle a répondu HTTP {status} avec {answer}, et non le JSON attendu. Le problème vient de l'API : réessayez dans quelques minutes.",
  'clear.http-error.message':
    "Elle a répondu HTTP {status}. Le problème vient de l'API : réessayez dans quelques minutes.",
  'answer.empty': 'une réponse vide',
  'answer.html': 'une page HTML',
  'answer.undocumented-json': "du JSON qu'elle ne documente pas",
  'answer.not-json': "une réponse qui n'est pas du JSON",
  'answer.unreadable': "une réponse que le bot n'a pas pu lire",
  'answer.too-deep': 'du JSON trop imbriqué pour être lu',
  'answer.server-error': 'une erreur serveur',
  'clear.timeout.title': "L'API n'a pas répondu à temps",
  'clear.timeout.body':
    "Aucune réponse en {seconds} s. Le cache n'a peut-être pas été vidé : réessayez dans une minute.",
  'clear.network.title': "Impossible de joindre l'API",
  'clear.network.body':
    "La connexion a échoué ({detail}). L'API est peut-être hors service, ou la machine du bot ne peut pas la joindre : réessayez plus tard.",
  'clear.no-key.title': 'Aucune clé API définie',
  'clear.no-key.body': "Ce serveur n'a pas encore de clé API Stable Diffusion : rien n'a été envoyé.",
  'clear.unreadable.title': 'La clé enregistrée ne peut pas être ouverte',
  'clear.unreadable.body':
    "La clé enregistrée pour ce serveur a été scellée avec une autre ENCRYPTION_KEY (ou est endommagée) : rien n'a été envoyé. L'hébergeur du bot doit vérifier ENCRYPTION_KEY ; un admin peut aussi enregistrer la clé à nouveau avec `/apikey set`.",
  'clear.note': 'Remarque',
  'clear.shared': 'Un autre vidage était déjà en cours pour ce serveur ; voici son résultat.',
  'clear.unrecorded': "Ce vidage n'a pas pu être inscrit au journal d'audit.",
  'clear.busy.title': 'Un vidage est déjà en cours',
  'clear.busy.body':
    "Un autre vidage est encore en cours pour ce serveur : rien de plus n'a été envoyé. Son résultat s'affichera là où il a été demandé ; relancez `/clearcache` dans une minute si besoin.",

  // ---------------------------------------------------------------- /help
  'help.title': 'Bot de cache Stable Diffusion',
  'help.about':
    "Ce bot vide le cache du compte de l'API Stable Diffusion (ModelsLab) que partage ce serveur, avec la clé API propre au serveur, enregistrée chiffrée.",
  'help.yours': 'Ce que vous pouvez utiliser ici',
  'help.admin.apikey':
    '`/apikey set` (ouvre un formulaire privé pour la clé), `/apikey status`, `/apikey remove` : enregistrer, vérifier ou supprimer la clé API',
  'help.admin.access':
    '`/access grant`, `/access revoke`, `/access list` : choisir quels rôles peuvent lancer `/clearcache`',
  'help.admin.audit': "`/audit` : les 10 derniers événements de clé, d'accès et de cache",
  'help.clearcache': '`/clearcache` : vider le cache du compte (la réponse est visible dans le salon)',
  'help.help': '`/help` : ce message',
  'help.none':
    "Seulement `/help`. Pour vider le cache, demandez à un admin du serveur (permission « Administrateur » ou « Gérer le serveur ») de lancer `/clearcache`, ou de donner accès à l'un de vos rôles avec `/access grant`.",
  'help.key': 'Clé API',
  'help.key.set': 'Définie : ce serveur a une clé.',
  'help.key.unset': 'Non définie : un admin en enregistre une avec `/apikey set`.',
  'help.key.unknown': 'Inconnue : le bot ne peut pas lire sa base de données pour le moment.',
  'help.links': 'Liens',
  'help.links.value':
    "[Tableau de bord ModelsLab (clés API, crédits)](https://modelslab.com/dashboard) · [Documentation de l'API](https://docs.modelslab.com)",
};
