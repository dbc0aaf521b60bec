/** Every word the bot says, in Spanish (es-ES and es-419): tú-form, neutral wording for Spain and Latin America. */
import type { Catalog } from './en.js';

export const es: Catalog = {
  // ---------------------------------------------------------------- command descriptions (at most 100 characters)
  'cmd.apikey': 'Gestionar la clave de API de Stable Diffusion de este servidor (solo admins)',
  'cmd.apikey.set': 'Guardar la clave de API de Stable Diffusion de este servidor (cifrada, solo se ve enmascarada)',
  'cmd.apikey.set.key':
    'Déjalo vacío para escribirla en un formulario privado (recomendado) o pega la clave de ModelsLab',
  'cmd.apikey.status': 'Mostrar la clave (enmascarada), quién la guardó, el saldo de la cuenta y la última limpieza',
  'cmd.apikey.remove': 'Eliminar la clave de API guardada de este servidor',
  'cmd.access': 'Elegir qué roles, además de los admins, pueden usar /clearcache (solo admins)',
  'cmd.access.grant': 'Permitir a los miembros de un rol usar /clearcache',
  'cmd.access.grant.role': 'El rol al que dar acceso',
  'cmd.access.revoke': 'Impedir que los miembros de un rol usen /clearcache',
  'cmd.access.revoke.role': 'El rol al que quitar el acceso',
  'cmd.access.list': 'Listar los roles que pueden usar /clearcache',
  'cmd.audit': 'Mostrar los últimos 10 eventos de clave, acceso y caché de este servidor (solo admins)',
  'cmd.clearcache': 'Limpiar la caché de la API de Stable Diffusion de este servidor (admins y roles autorizados)',
  'cmd.help': 'Qué hace este bot, qué puedes usar aquí y a quién preguntar',

  // ---------------------------------------------------------------- refusals and errors the pipeline gives
  admins: 'los admins del servidor (permiso “Administrador” o “Gestionar servidor”)',
  'refusal.title': 'No permitido',
  'refusal.admin': 'Solo {admins} pueden usar `/{command}`. Consulta `/help` para ver qué puedes usar.',
  'refusal.operator':
    'Solo {admins} pueden usar `/{command}`. Un admin puede dar acceso a un rol con `/access grant`; consulta `/help`.',
  'refusal.operator.roles':
    'Solo {admins} y los miembros de {roles} pueden usar `/{command}`. Un admin puede dar acceso a un rol con `/access grant`; consulta `/help`.',
  'servers-only.title': 'Solo en servidores',
  'servers-only.body':
    '`/{command}` funciona dentro de un servidor, donde el bot guarda la clave de API de ese servidor. Úsalo en un canal del servidor; allí `/help` te cuenta más.',
  'unknown-command.title': 'Comando desconocido',
  'unknown-command.body':
    'Este bot ya no tiene `/{command}`. Quien aloja el bot debe ejecutar `npm run deploy-commands` para actualizar la lista; `/help` muestra los comandos disponibles.',
  'not-understood.title': 'No entendido',
  'not-understood.body':
    'Este formulario o botón no es de este bot, o ya no se usa, así que no se hizo nada. Usa los comandos de barra del bot; `/help` los enumera.',
  'cooldown.title': 'Espera un momento',
  'cooldown.body': '`/{command}` se usó en este servidor hace un momento. Se podrá volver a usar {when}.',
  'options.title': 'Opciones no reconocidas',
  'options.body':
    'Las opciones que recibió `/{command}` no corresponden a este comando. Revísalas y vuelve a intentarlo.',
  'store.title': 'Almacenamiento no disponible',
  'store.body':
    'El bot no puede leer ni escribir en su base de datos en este momento, así que no se cambió ni se envió nada. Se avisó en los registros a quien aloja el bot; vuelve a intentarlo en unos minutos.',
  'store.unknown.title': 'Resultado desconocido: la base de datos no respondió a tiempo',
  'store.unknown.body':
    'El bot pidió a su base de datos guardar este cambio, pero no llegó respuesta a tiempo, así que puede que se haya guardado o no. Compruébalo con {check} dentro de un minuto y vuelve a ejecutar el comando si el cambio no está. Se avisó en los registros a quien aloja el bot.',
  'damaged.title': 'No se pueden leer los ajustes de este servidor',
  'damaged.body':
    'La base de datos del bot tiene un registro dañado para este servidor, así que no se cambió ni se envió nada. Se avisó en los registros a quien aloja el bot (la línea menciona este servidor).',
  'error.title': 'Algo salió mal',
  'error.body':
    'El bot tuvo un error inesperado y lo registró para quien lo aloja. No afectó a nada más; vuelve a intentarlo en un momento.',
  'subcommand.title': 'Subcomando desconocido',
  'subcommand.body': 'Usa {choices}.',

  // ---------------------------------------------------------------- /apikey
  'key.saved.body':
    'La clave {mask} de este servidor quedó guardada y cifrada. Los admins y los roles autorizados ya pueden usar `/clearcache`.',
  'key.saved.replaced':
    'La clave {mask} de este servidor quedó guardada y cifrada. Sustituye a la clave anterior {previous}. Los admins y los roles autorizados ya pueden usar `/clearcache`.',
  'key.refused.title': 'Clave no guardada',
  'key.form.title': 'Clave de API de Stable Diffusion',
  'key.form.label': 'Clave de API del panel de ModelsLab',
  'key.refused.kept': 'La clave que estaba guardada sigue igual.',
  'key.problem.empty': 'La clave está vacía. Pega la clave de API de tu panel de ModelsLab.',
  'key.problem.too-long':
    'La clave tiene {length} caracteres; las claves tienen como máximo {max}. Comprueba que pegaste solo la clave.',
  'key.problem.whitespace': 'La clave contiene espacios, saltos de línea o caracteres invisibles. Pega solo la clave.',
  'key.problem.quoted': 'La clave está entre comillas. Pega solo la clave, sin comillas.',
  'key.problem.characters':
    'La clave contiene caracteres que las claves de API no usan: solo llevan letras y dígitos (también se permiten - y _). Pega solo la clave, sin comillas ni signos de puntuación.',
  'key.problem.too-short':
    'La clave tiene {length} caracteres; las claves de API tienen al menos {min}, y las de ModelsLab muchos más. Comprueba que la copiaste entera.',
  'key.problem.digits':
    'La clave solo tiene dígitos, así que parece un ID (de un servidor, usuario o canal), no una clave de API. Copia la clave de tu panel de ModelsLab (API Keys).',
  'key.problem.word':
    'Eso parece una palabra o un texto de ejemplo, no una clave de API: las claves del panel de ModelsLab mezclan letras y dígitos. Copia la clave en sí desde el panel (API Keys).',
  'key.unreadable': '(no se puede abrir con la ENCRYPTION_KEY actual)',
  'key.none.title': 'Sin clave de API',
  'key.none.status':
    'Este servidor no tiene clave de API de Stable Diffusion. Guarda una con `/apikey set`; las claves están en tu panel de ModelsLab.',
  'key.status.title': 'Clave de API configurada',
  'key.status.body': 'Clave {mask}, guardada por {user} el {when}.',
  'key.status.last': 'Última limpieza',
  'key.status.last.value': '{outcome}, por {user} el {when} ({ms} ms)',
  'key.status.last.none': 'ninguna todavía: usa `/clearcache`',
  'key.removed.title': 'Clave de API eliminada',
  'key.removed.body':
    'La clave se eliminó del bot. `/clearcache` no hará nada hasta que un admin vuelva a usar `/apikey set`.',
  'key.remove.none.title': 'No hay clave de API que eliminar',
  'key.remove.none.body': 'Este servidor no tenía ninguna clave guardada.',
  'key.checked.title': 'Clave de API comprobada y guardada',
  'key.checked.body':
    'La API aceptó la clave {mask}, que quedó guardada y cifrada. Los admins y los roles autorizados ya pueden usar `/clearcache`.',
  'key.checked.replaced':
    'La API aceptó la clave {mask}, que quedó guardada y cifrada en lugar de la clave anterior {previous}. Los admins y los roles autorizados ya pueden usar `/clearcache`.',
  'key.invalid.body':
    'La API rechazó esta clave: no es válida o fue revocada. Cópiala de nuevo desde tu panel de ModelsLab (API Keys).',
  'key.notsaved.title': 'Clave de API no guardada',
  'key.notsaved.body':
    'El bot no pudo escribir la clave en su base de datos, así que no se guardó. Se avisó en los registros a quien aloja el bot; vuelve a intentarlo en unos minutos.',
  'key.notsaved.checked': 'La API aceptó la clave',
  'key.unchecked.title': 'Clave de API guardada, sin comprobar',
  'key.unchecked.field': 'Por qué no se comprobó',
  'key.unchecked.later': '`/apikey status` vuelve a preguntar a la API.',
  'key.balance': 'Saldo',
  'key.balance.value': '{balance} en la cuenta de ModelsLab',
  'key.balance.refused':
    'La API rechaza la clave guardada: no es válida o fue revocada. Un admin puede guardar una nueva con `/apikey set`.',
  'key.balance.missing': 'La API aceptó la clave, pero no dijo cuánto saldo queda en la cuenta.',
  'key.balance.unknown': 'No se pudo comprobar ahora.',
  'check.waiting': 'La API pidió no enviar más solicitudes de esta cuenta hasta {when}, así que no se envió ninguna.',
  'check.rate-limited': 'La API está limitando las solicitudes de esta cuenta.',
  'check.rate-limited.when': 'La API está limitando las solicitudes de esta cuenta; vuelve a aceptarlas {when}.',
  'check.timeout': 'La API no respondió en {seconds} s.',
  'check.network': 'Falló la conexión con la API ({detail}).',
  'check.redirect':
    'La API respondió HTTP {status}, una redirección, que no se siguió. Quien aloja el bot debe revisar `SD_API_BASE_URL`.',
  'check.http-error': 'La API respondió HTTP {status} con {answer}.',
  'check.api': 'La API respondió sin decir si la clave funciona.',

  // ---------------------------------------------------------------- /access
  'role.missing.title': 'No se indicó ningún rol',
  'role.missing.body': 'Elige un rol en la opción `role`.',
  'role.refused.title': 'No se dio acceso al rol',
  'role.problem.everyone':
    'Dar acceso a @everyone permitiría a cualquier miembro limpiar la caché. Crea un rol para las personas que deban hacerlo y dale acceso a ese rol.',
  'role.problem.managed':
    'Ese rol lo gestiona un bot o una integración y no se puede asignar a miembros. Elige un rol que asignes tú.',
  'role.already.title': 'Ya tiene acceso',
  'role.already.body': '{role} ya puede usar `/clearcache`.',
  'role.granted.title': 'Acceso concedido',
  'role.granted.body': 'Los miembros de {role} ya pueden usar `/clearcache`.',
  'role.not-granted.title': 'Sin acceso',
  'role.not-granted.body': '{role} no tenía acceso, así que no cambió nada.',
  'role.revoked.title': 'Acceso retirado',
  'role.revoked.body': 'Los miembros de {role} ya no pueden usar `/clearcache` (salvo que sean admins).',
  'roles.none.title': 'Ningún rol autorizado',
  'roles.none.body': 'Solo los admins pueden usar `/clearcache`. Da acceso a un rol con `/access grant`.',
  'roles.list.title': 'Roles que pueden usar /clearcache',
  'roles.list.body': '{roles}\n\nLos admins (permiso “Administrador” o “Gestionar servidor”) siempre pueden.',
  'roles.list.empty': 'Ninguno.',
  'roles.more': '(+{count} más)',
  'roles.cleaned.name': 'Lista depurada',
  'roles.cleaned.value':
    'Roles autorizados que se quitaron de la lista porque ya no existen en este servidor: {count}.',
  'roles.unchecked.name': 'Nota',
  'roles.unchecked.value': 'No se pudo comparar la lista con los roles actuales del servidor en este momento.',

  // ---------------------------------------------------------------- /audit
  'audit.title': 'Registro de auditoría (lo más reciente primero)',
  'audit.empty': 'Nada todavía. Aquí aparecerán los cambios de clave, los cambios de acceso y las limpiezas.',
  'audit.key-set': '{user} guardó la clave de API',
  'audit.key-remove': '{user} eliminó la clave de API',
  'audit.role-grant': '{user} dio acceso a {role}',
  'audit.role-revoke': '{user} quitó el acceso a {role}',
  'audit.clear': '{user} limpió la caché: {outcome}',
  'audit.clear.timed': '{user} limpió la caché: {outcome} ({ms} ms)',

  // ---------------------------------------------------------------- clear outcomes, in short (status, audit)
  'outcome.ok': 'limpiada',
  'outcome.invalid-key': 'clave no válida',
  'outcome.no-credits': 'sin créditos',
  'outcome.plan': 'no incluido en el plan',
  'outcome.rate-limited': 'límite de solicitudes',
  'outcome.processing': 'aún en proceso',
  'outcome.api-error': 'error de la API',
  'outcome.http-error': 'API no disponible',
  'outcome.timeout': 'tiempo agotado',
  'outcome.network': 'fallo de red',

  // ---------------------------------------------------------------- /clearcache
  'api.says': 'La API dice:',
  'set-key.hint':
    'Un admin del servidor puede guardar una clave con `/apikey set`; las claves están en tu panel de ModelsLab (modelslab.com, API Keys).',
  'clear.ok.title': 'Caché limpiada',
  'clear.ok.footer': 'La API respondió en {ms} ms',
  'clear.invalid-key.title': 'La API rechazó la clave de este servidor',
  'clear.invalid-key.body': 'La clave guardada no es válida o fue revocada.',
  'clear.no-credits.title': 'Sin créditos',
  'clear.no-credits.body':
    'Recarga créditos en la cuenta desde tu panel de ModelsLab (modelslab.com) y vuelve a usar `/clearcache`. `/apikey status` muestra el saldo que queda.',
  'clear.plan.title': 'No incluido en tu plan',
  'clear.plan.body': 'El plan de la cuenta no permite limpiar la caché. Mejóralo en modelslab.com.',
  'clear.rate-limited.title': 'Límite de solicitudes de la API',
  'clear.rate-limited.body': 'La cuenta tiene demasiadas solicitudes en cola.',
  'clear.rate-limited.when': 'Vuelve a intentarlo {when}.',
  'clear.rate-limited.later': 'Espera un minuto y vuelve a intentarlo.',
  'clear.rate-limited.capped': '(La API pidió una espera más larga; el bot espera como máximo un día.)',
  'clear.processing.title': 'La API todavía está en ello',
  'clear.processing.body': 'La solicitud se aceptó y se está procesando. No hace falta volver a ejecutarla.',
  'clear.processing.eta':
    'La solicitud se aceptó y se está procesando. Se espera que termine {when}. No hace falta volver a ejecutarla.',
  'clear.api-error.title': 'La API devolvió un error',
  'clear.api-error.body': 'Estado HTTP {status}. Si sigue pasando, revisa la cuenta en modelslab.com.',
  'clear.redirect.title': 'La API redirigió la solicitud',
  'clear.redirect.body':
    'Respondió HTTP {status}, una redirección a otra dirección, que el bot no siguió para que la clave no vaya a ningún otro sitio. Quien aloja el bot debe revisar `SD_API_BASE_URL`: puede que la API haya cambiado de dirección.',
  'clear.http-error.title': 'La API tiene problemas',
  'clear.http-error.body':
    'Respondió HTTP {status} con {answer}, no con el JSON esperado. El problema es de la API: vuelve a intentarlo en unos minutos.',
  'clear.http-error.message': 'Respondió HTTP {status}. El problema es de la API: vuelve a intentarlo en unos minutos.',
  'answer.empty': 'una respuesta vacía',
  'answer.html': 'una página HTML',
  'answer.undocumented-json': 'un JSON que no documenta',
  'answer.not-json': 'una respuesta que no es JSON',
  'answer.unreadable': 'una respuesta que el bot no pudo leer',
  'answer.too-deep': 'un JSON demasiado anidado para leerlo',
  'answer.server-error': 'un error del servidor',
  'clear.timeout.title': 'La API no respondió a tiempo',
  'clear.timeout.body':
    'Sin respuesta en {seconds} s. Puede que la caché no se haya limpiado: vuelve a intentarlo en un minuto.',
  'clear.network.title': 'No se pudo conectar con la API',
  'clear.network.body':
    'La conexión falló ({detail}). Puede que la API esté caída o que el bot no pueda llegar a ella desde donde se aloja: vuelve a intentarlo más tarde.',
  'clear.no-key.title': 'Sin clave de API',
  'clear.no-key.body': 'Este servidor aún no tiene clave de API de Stable Diffusion, así que no se envió nada.',
  'clear.unreadable.title': 'No se puede abrir la clave guardada',
  'clear.unreadable.body':
    'La clave guardada para este servidor se selló con otra ENCRYPTION_KEY (o está dañada), así que no se envió nada. Quien aloja el bot debe revisar ENCRYPTION_KEY; un admin también puede volver a guardar la clave con `/apikey set`.',
  'clear.note': 'Nota',
  'clear.shared': 'Ya había otra limpieza en curso para este servidor; este es su resultado.',
  'clear.unrecorded': 'Esta limpieza no se pudo anotar en el registro de auditoría.',
  'clear.busy.title': 'Ya hay una limpieza en curso',
  'clear.busy.body':
    'Otra limpieza para este servidor sigue en curso, así que no se envió nada más. Su resultado aparecerá donde se pidió; vuelve a usar `/clearcache` en un minuto si lo necesitas.',

  // ---------------------------------------------------------------- /help
  'help.title': 'Bot de caché de Stable Diffusion',
  'help.about':
    'Este bot limpia la caché de la cuenta de la API de Stable Diffusion (ModelsLab) que comparte este servidor, con la clave de API propia del servidor, guardada cifrada.',
  'help.yours': 'Lo que puedes usar aquí',
  'help.admin.apikey':
    '`/apikey set` (abre un formulario privado para la clave), `/apikey status`, `/apikey remove`: guardar, consultar o eliminar la clave de API',
  'help.admin.access': '`/access grant`, `/access revoke`, `/access list`: elegir qué roles pueden usar `/clearcache`',
  'help.admin.audit': '`/audit`: los últimos 10 eventos de clave, acceso y caché',
  'help.clearcache': '`/clearcache`: limpiar la caché de la cuenta (la respuesta es visible en el canal)',
  'help.help': '`/help`: este mensaje',
  'help.none':
    'Solo `/help`. Para limpiar la caché, pide a un admin del servidor (permiso “Administrador” o “Gestionar servidor”) que use `/clearcache` o que dé acceso a uno de tus roles con `/access grant`.',
  'help.key': 'Clave de API',
  'help.key.set': 'Configurada: este servidor tiene una clave.',
  'help.key.unset': 'Sin configurar: un admin puede guardar una con `/apikey set`.',
  'help.key.unknown': 'Desconocida: el bot no puede leer su base de datos en este momento.',
  'help.links': 'Enlaces',
  'help.links.value':
    '[Panel de ModelsLab (claves de API, créditos)](https://modelslab.com/dashboard) · [Documentación de la API](https://docs.modelslab.com)',
};
