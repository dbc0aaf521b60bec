/** Every word the bot says, in Brazilian Portuguese (pt-BR): você-form, Discord's own terms (cargo for role). */
import type { Catalog } from './en.js';

export const ptBR: Catalog = {
  // ---------------------------------------------------------------- command descriptions (at most 100 characters)
  'cmd.apikey': 'Gerenciar a chave de API do Stable Diffusion deste servidor (só admins)',
  'cmd.apikey.set': 'Salvar a chave de API do Stable Diffusion deste servidor (criptografada, exibida só mascarada)',
  'cmd.apikey.set.key':
    'Deixe vazio para digitar a chave num formulário privado (recomendado) ou cole a chave da ModelsLab',
  'cmd.apikey.status': 'Mostrar a chave (mascarada), quem a definiu, o saldo da conta e a última limpeza',
  'cmd.apikey.remove': 'Excluir a chave de API salva deste servidor',
  'cmd.access': 'Escolher quais cargos, além dos admins, podem usar /clearcache (só admins)',
  'cmd.access.grant': 'Permitir que membros de um cargo usem /clearcache',
  'cmd.access.grant.role': 'O cargo que vai receber acesso',
  'cmd.access.revoke': 'Impedir que membros de um cargo usem /clearcache',
  'cmd.access.revoke.role': 'O cargo que vai perder o acesso',
  'cmd.access.list': 'Listar os cargos que podem usar /clearcache',
  'cmd.audit': 'Mostrar os últimos 10 eventos de chave, acesso e cache deste servidor (só admins)',
  'cmd.clearcache': 'Limpar o cache da API do Stable Diffusion deste servidor (admins e cargos autorizados)',
  'cmd.help': 'O que este bot faz, o que você pode usar aqui e a quem pedir',

  // ---------------------------------------------------------------- refusals and errors the pipeline gives
  admins: 'os admins do servidor (permissão “Administrador” ou “Gerenciar servidor”)',
  'refusal.title': 'Não permitido',
  'refusal.admin': 'Só {admins} podem usar `/{command}`. Veja em `/help` o que você pode usar.',
  'refusal.operator':
    'Só {admins} podem usar `/{command}`. Um admin pode dar acesso a um cargo com `/access grant`; veja `/help`.',
  'refusal.operator.roles':
    'Só {admins} e membros de {roles} podem usar `/{command}`. Um admin pode dar acesso a um cargo com `/access grant`; veja `/help`.',
  'servers-only.title': 'Só em servidores',
  'servers-only.body':
    '`/{command}` funciona dentro de um servidor, onde o bot guarda a chave de API desse servidor. Use o comando em um canal do servidor; lá o `/help` explica mais.',
  'unknown-command.title': 'Comando desconhecido',
  'unknown-command.body':
    'Este bot não tem mais `/{command}`. Quem hospeda o bot deve executar `npm run deploy-commands` para atualizar a lista; `/help` mostra o que existe.',
  'not-understood.title': 'Não entendido',
  'not-understood.body':
    'Este formulário ou botão não é deste bot, ou não é mais usado, então nada foi feito. Use os comandos de barra do bot; `/help` lista todos.',
  'cooldown.title': 'Aguarde',
  'cooldown.body': '`/{command}` foi usado neste servidor há pouco. O próximo uso será possível {when}.',
  'options.title': 'Opções não reconhecidas',
  'options.body': 'As opções passadas para `/{command}` não correspondem a este comando. Confira e tente de novo.',
  'store.title': 'Armazenamento indisponível',
  'store.body':
    'O bot não consegue ler nem gravar o banco de dados agora, então nada foi alterado nem enviado. Quem hospeda o bot foi avisado nos logs; tente de novo em alguns minutos.',
  'store.unknown.title': 'Resultado desconhecido: o banco de dados não respondeu a tempo',
  'store.unknown.body':
    'O bot pediu ao banco de dados para salvar esta alteração, mas nenhuma resposta chegou a tempo, então ela pode ou não ter sido salva. Confira com {check} daqui a um minuto e rode o comando de novo se a alteração não estiver lá. Quem hospeda o bot foi avisado nos logs.',
  'damaged.title': 'Não foi possível ler as configurações deste servidor',
  'damaged.body':
    'O banco de dados do bot tem um registro danificado para este servidor, então nada foi alterado nem enviado. Quem hospeda o bot foi avisado nos logs (a linha cita este servidor).',
  'error.title': 'Algo deu errado',
  'error.body':
    'O bot encontrou um erro inesperado e o registrou para quem o hospeda. Nada mais foi afetado; tente de novo daqui a pouco.',
  'subcommand.title': 'Subcomando desconhecido',
  'subcommand.body': 'Use um destes comandos: {choices}.',

  // ---------------------------------------------------------------- /apikey
  'key.saved.body':
    'A chave {mask} deste servidor está salva, criptografada. Admins e cargos autorizados já podem usar `/clearcache`.',
  'key.saved.replaced':
    'A chave {mask} deste servidor está salva, criptografada. Ela substitui a chave anterior {previous}. Admins e cargos autorizados já podem usar `/clearcache`.',
  'key.refused.title': 'Chave não salva',
  'key.form.title': 'Chave de API do Stable Diffusion',
  'key.form.label': 'Chave de API do painel da ModelsLab',
  'key.refused.kept': 'A chave salva antes continua a mesma.',
  'key.problem.empty': 'A chave está vazia. Cole a chave de API do seu painel da ModelsLab.',
  'key.problem.too-long':
    'A chave tem {length} caracteres; as chaves têm no máximo {max}. Confira se você colou só a chave.',
  'key.problem.whitespace': 'A chave contém espaços, quebras de linha ou caracteres invisíveis. Cole só a chave.',
  'key.problem.quoted': 'A chave está entre aspas. Cole só a chave, sem aspas.',
  'key.problem.characters':
    'A chave contém caracteres que chaves de API não usam: elas têm só letras e números (- e _ também são permitidos). Cole só a chave, sem aspas nem pontuação.',
  'key.problem.too-short':
    'A chave tem {length} caracteres; chaves de API têm pelo menos {min}, e as da ModelsLab bem mais. Confira se você copiou a chave inteira.',
  'key.problem.digits':
    'A chave tem só números, então parece um ID (de servidor, usuário ou canal), não uma chave de API. Copie a chave do seu painel da ModelsLab (API Keys).',
  'key.problem.word':
    'Isso parece uma palavra ou um texto de exemplo, não uma chave de API: as chaves do painel da ModelsLab misturam letras e números. Copie a própria chave do painel (API Keys).',
  'key.unreadable': '(não pode ser aberta com a ENCRYPTION_KEY atual)',
  'key.none.title': 'Nenhuma chave de API definida',
  'key.none.status':
    'Este servidor não tem chave de API do Stable Diffusion. Salve uma com `/apikey set`; as chaves ficam no seu painel da ModelsLab.',
  'key.status.title': 'Chave de API definida',
  'key.status.body': 'Chave {mask}, definida por {user} em {when}.',
  'key.status.last': 'Última limpeza',
  'key.status.last.value': '{outcome}, por {user} em {when} ({ms} ms)',
  'key.status.last.none': 'nenhuma ainda: use `/clearcache`',
  'key.removed.title': 'Chave de API removida',
  'key.removed.body':
    'A chave foi excluída do bot. `/clearcache` não fará nada até que um admin use `/apikey set` de novo.',
  'key.remove.none.title': 'Nenhuma chave de API para remover',
  'key.remove.none.body': 'Este servidor não tinha chave salva.',
  'key.checked.title': 'Chave de API verificada e salva',
  'key.checked.body':
    'A API aceitou a chave {mask}, que está salva, criptografada. Admins e cargos autorizados já podem usar `/clearcache`.',
  'key.checked.replaced':
    'A API aceitou a chave {mask}, que está salva, criptografada, no lugar da chave anterior {previous}. Admins e cargos autorizados já podem usar `/clearcache`.',
  'key.invalid.body':
    'A API recusou esta chave: ela é inválida ou foi revogada. Copie-a de novo do seu painel da ModelsLab (API Keys).',
  'key.notsaved.title': 'Chave de API não salva',
  'key.notsaved.body':
    'O bot não conseguiu gravar a chave no banco de dados, então ela não foi salva. Quem hospeda o bot foi avisado nos logs; tente de novo em alguns minutos.',
  'key.notsaved.checked': 'A API aceitou a chave',
  'key.unchecked.title': 'Chave de API salva, sem verificação',
  'key.unchecked.field': 'Por que ela não foi verificada',
  'key.unchecked.later': '`/apikey status` consulta a API de novo.',
  'key.balance': 'Saldo',
  'key.balance.value': '{balance} na conta da ModelsLab',
  'key.balance.refused':
    'A API recusa a chave salva: ela é inválida ou foi revogada. Um admin pode salvar uma nova com `/apikey set`.',
  'key.balance.missing': 'A API aceitou a chave, mas não informou quanto resta na conta.',
  'key.balance.unknown': 'Não foi possível consultar agora.',
  'check.waiting': 'A API pediu que esta conta não enviasse pedidos até {when}, então nenhum foi enviado.',
  'check.rate-limited': 'A API está limitando os pedidos desta conta.',
  'check.rate-limited.when': 'A API está limitando os pedidos desta conta; ela volta a aceitá-los {when}.',
  'check.timeout': 'A API não respondeu em {seconds} s.',
  'check.network': 'A conexão com a API falhou ({detail}).',
  'check.redirect':
    'A API respondeu HTTP {status}, um redirecionamento, que não foi seguido. Quem hospeda o bot deve conferir `SD_API_BASE_URL`.',
  'check.http-error': 'A API respondeu HTTP {status} com {answer}.',
  'check.api': 'A API respondeu sem dizer se a chave funciona.',

  // ---------------------------------------------------------------- /access
  'role.missing.title': 'Nenhum cargo informado',
  'role.missing.body': 'Escolha um cargo na opção `role`.',
  'role.refused.title': 'Acesso não concedido',
  'role.problem.everyone':
    'Dar acesso a @everyone permitiria que qualquer membro limpasse o cache. Crie um cargo para as pessoas que devem fazer isso e dê acesso a ele.',
  'role.problem.managed':
    'Esse cargo é gerenciado por um bot ou integração e não pode ser dado a membros. Escolha um cargo que você mesmo atribui.',
  'role.already.title': 'Já autorizado',
  'role.already.body': '{role} já pode usar `/clearcache`.',
  'role.granted.title': 'Acesso concedido',
  'role.granted.body': 'Membros de {role} agora podem usar `/clearcache`.',
  'role.not-granted.title': 'Sem acesso',
  'role.not-granted.body': '{role} não tinha acesso, então nada mudou.',
  'role.revoked.title': 'Acesso revogado',
  'role.revoked.body': 'Membros de {role} não podem mais usar `/clearcache` (a menos que sejam admins).',
  'roles.none.title': 'Nenhum cargo autorizado',
  'roles.none.body': 'Só admins podem usar `/clearcache`. Dê acesso a um cargo com `/access grant`.',
  'roles.list.title': 'Cargos que podem usar /clearcache',
  'roles.list.body': '{roles}\n\nAdmins (permissão “Administrador” ou “Gerenciar servidor”) sempre podem.',
  'roles.list.empty': 'Nenhum.',
  'roles.more': '(+{count} outros)',
  'roles.cleaned.name': 'Lista atualizada',
  'roles.cleaned.value': 'Cargos autorizados removidos da lista por não existirem mais neste servidor: {count}.',
  'roles.unchecked.name': 'Observação',
  'roles.unchecked.value': 'Não foi possível conferir a lista com os cargos atuais do servidor agora.',

  // ---------------------------------------------------------------- /audit
  'audit.title': 'Registro de auditoria (mais recentes primeiro)',
  'audit.empty': 'Nada ainda. Mudanças de chave, de acesso e limpezas vão aparecer aqui.',
  'audit.key-set': '{user} definiu a chave de API',
  'audit.key-remove': '{user} removeu a chave de API',
  'audit.role-grant': '{user} deu acesso a {role}',
  'audit.role-revoke': '{user} revogou o acesso de {role}',
  'audit.clear': '{user} limpou o cache: {outcome}',
  'audit.clear.timed': '{user} limpou o cache: {outcome} ({ms} ms)',

  // ---------------------------------------------------------------- clear outcomes, in short (status, audit)
  'outcome.ok': 'limpo',
  'outcome.invalid-key': 'chave inválida',
  'outcome.no-credits': 'sem créditos',
  'outcome.plan': 'fora do plano',
  'outcome.rate-limited': 'limite de requisições',
  'outcome.processing': 'ainda em processamento',
  'outcome.api-error': 'erro da API',
  'outcome.http-error': 'API indisponível',
  'outcome.timeout': 'tempo esgotado',
  'outcome.network': 'falha de rede',

  // ---------------------------------------------------------------- /clearcache
  'api.says': 'A API diz:',
  'set-key.hint':
    'Um admin do servidor pode salvar uma chave com `/apikey set`; as chaves ficam no seu painel da ModelsLab (modelslab.com, API Keys).',
  'clear.ok.title': 'Cache limpo',
  'clear.ok.footer': 'A API respondeu em {ms} ms',
  'clear.invalid-key.title': 'A API recusou a chave deste servidor',
  'clear.invalid-key.body': 'A chave salva é inválida ou foi revogada.',
  'clear.no-credits.title': 'Sem créditos',
  'clear.no-credits.body':
    'Adicione créditos à conta no seu painel da ModelsLab (modelslab.com) e use `/clearcache` de novo. `/apikey status` mostra o saldo que resta.',
  'clear.plan.title': 'Não incluído no seu plano',
  'clear.plan.body': 'O plano da conta não permite limpar o cache. Faça upgrade em modelslab.com.',
  'clear.rate-limited.title': 'Limite de requisições da API',
  'clear.rate-limited.body': 'A conta tem requisições demais na fila.',
  'clear.rate-limited.when': 'Tente de novo {when}.',
  'clear.rate-limited.later': 'Aguarde um minuto e tente de novo.',
  'clear.rate-limited.capped': '(A API pediu uma espera maior; o bot espera no máximo um dia.)',
  'clear.processing.title': 'A API ainda está trabalhando nisso',
  'clear.processing.body': 'A requisição foi aceita e está sendo processada. Não precisa executar de novo.',
  'clear.processing.eta':
    'A requisição foi aceita e está sendo processada. A previsão é terminar {when}. Não precisa executar de novo.',
  'clear.api-error.title': 'A API informou um erro',
  'clear.api-error.body': 'Status HTTP {status}. Se isso continuar acontecendo, confira a conta em modelslab.com.',
  'clear.redirect.title': 'A API redirecionou a requisição',
  'clear.redirect.body':
    'Ela respondeu HTTP {status}, um redirecionamento para outro endereço, que o bot não seguiu para que a chave não vá para nenhum outro lugar. Quem hospeda o bot deve conferir `SD_API_BASE_URL`: a API pode ter mudado de endereço.',
  'clear.http-error.title': 'A API está com problemas',
  'clear.http-error.body':
    'Ela respondeu HTTP {status} com {answer}, não com o JSON esperado. O problema é do lado da API: tente de novo em alguns minutos.',
  'clear.http-error.message':
    'Ela respondeu HTTP {status}. O problema é do lado da API: tente de novo em alguns minutos.',
  'answer.empty': 'uma resposta vazia',
  'answer.html': 'uma página HTML',
  'answer.undocumented-json': 'um JSON que ela não documenta',
  'answer.not-json': 'uma resposta que não é JSON',
  'answer.unreadable': 'uma resposta que o bot não conseguiu ler',
  'answer.too-deep': 'um JSON aninhado demais para ser lido',
  'answer.server-error': 'um erro de servidor',
  'clear.timeout.title': 'A API não respondeu a tempo',
  'clear.timeout.body':
    'Nenhuma resposta em {seconds} s. Talvez o cache não tenha sido limpo: tente de novo em um minuto.',
  'clear.network.title': 'Não foi possível acessar a API',
  'clear.network.body':
    'A conexão falhou ({detail}). A API pode estar fora do ar, ou o bot não consegue acessá-la de onde está hospedado: tente de novo mais tarde.',
  'clear.no-key.title': 'Nenhuma chave de API definida',
  'clear.no-key.body': 'Este servidor ainda não tem chave de API do Stable Diffusion, então nada foi enviado.',
  'clear.unreadable.title': 'A chave salva não pode ser aberta',
  'clear.unreadable.body':
    'A chave salva para este servidor foi selada com outra ENCRYPTION_KEY (ou está danificada), então nada foi enviado. Quem hospeda o bot deve conferir a ENCRYPTION_KEY; um admin também pode salvar a chave de novo com `/apikey set`.',
  'clear.note': 'Observação',
  'clear.shared': 'Outra limpeza deste servidor já estava em andamento; este é o resultado dela.',
  'clear.unrecorded': 'Esta limpeza não pôde ser gravada no registro de auditoria.',
  'clear.busy.title': 'Já há uma limpeza em andamento',
  'clear.busy.body':
    'Outra limpeza deste servidor ainda está em andamento, então nada mais foi enviado. O resultado vai aparecer onde ela foi pedida; use `/clearcache` de novo daqui a um minuto se precisar.',

  // ---------------------------------------------------------------- /help
  'help.title': 'Bot de cache do Stable Diffusion',
  'help.about':
    'Este bot limpa o cache da conta da API do Stable Diffusion (ModelsLab) que este servidor compartilha, com a chave de API do próprio servidor, salva com criptografia.',
  'help.yours': 'O que você pode usar aqui',
  'help.admin.apikey':
    '`/apikey set` (abre um formulário privado para a chave), `/apikey status`, `/apikey remove`: salvar, conferir ou excluir a chave de API',
  'help.admin.access':
    '`/access grant`, `/access revoke`, `/access list`: escolher quais cargos podem usar `/clearcache`',
  'help.admin.audit': '`/audit`: os últimos 10 eventos de chave, acesso e cache',
  'help.clearcache': '`/clearcache`: limpar o cache da conta (a resposta fica visível no canal)',
  'help.help': '`/help`: esta mensagem',
  'help.none':
    'Só `/help`. Para limpar o cache, peça a um admin do servidor (permissão “Administrador” ou “Gerenciar servidor”) que use `/clearcache` ou que dê acesso a um dos seus cargos com `/access grant`.',
  'help.key': 'Chave de API',
  'help.key.set': 'Definida: este servidor tem uma chave.',
  'help.key.unset': 'Não definida: um admin salva uma com `/apikey set`.',
  'help.key.unknown': 'Desconhecida: o bot não consegue ler o banco de dados agora.',
  'help.links': 'Links',
  'help.links.value':
    '[Painel da ModelsLab (chaves de API, créditos)](https://modelslab.com/dashboard) · [Documentação da API](https://docs.modelslab.com)',
};
