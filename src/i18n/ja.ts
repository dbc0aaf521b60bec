/** Every word the bot says, in Japanese (ja): です/ます in replies, short plain forms in command descriptions. */
import type { Catalog } from './en.js';

export const ja: Catalog = {
  // ---------------------------------------------------------------- command descriptions (at most 100 characters)
  'cmd.apikey': 'このサーバーの Stable Diffusion APIキーを管理（管理者のみ）',
  'cmd.apikey.set': 'このサーバーの Stable Diffusion APIキーを保存（暗号化され、伏せ字でのみ表示）',
  'cmd.apikey.set.key': '空欄にすると非公開フォームでキーを入力できます（推奨）。または ModelsLab の APIキーを貼り付け',
  'cmd.apikey.status': 'キー（伏せ字）、設定した人、アカウントの残高、最後のクリアを表示',
  'cmd.apikey.remove': 'このサーバーに保存された APIキーを削除',
  'cmd.access': '管理者以外で /clearcache を実行できるロールを選択（管理者のみ）',
  'cmd.access.grant': 'ロールのメンバーに /clearcache の実行を許可',
  'cmd.access.grant.role': '許可するロール',
  'cmd.access.revoke': 'ロールのメンバーの /clearcache 実行許可を取り消し',
  'cmd.access.revoke.role': '許可を取り消すロール',
  'cmd.access.list': '/clearcache を実行できるロールを一覧表示',
  'cmd.audit': 'このサーバーのキー・アクセス・キャッシュに関する直近 10 件の操作を表示（管理者のみ）',
  'cmd.clearcache': 'このサーバーの Stable Diffusion API のキャッシュをクリア（管理者と許可されたロール）',
  'cmd.help': 'このボットでできること、ここで使えるコマンド、問い合わせ先',

  // ---------------------------------------------------------------- refusals and errors the pipeline gives
  admins: 'サーバー管理者（「管理者」または「サーバー管理」権限を持つメンバー）',
  'refusal.title': '許可されていません',
  'refusal.admin': '`/{command}` を使えるのは{admins}だけです。使えるコマンドは `/help` で確認できます。',
  'refusal.operator':
    '`/{command}` を使えるのは{admins}だけです。管理者は `/access grant` でロールにアクセスを許可できます。詳しくは `/help` をご覧ください。',
  'refusal.operator.roles':
    '`/{command}` を使えるのは{admins}と {roles} のメンバーだけです。管理者は `/access grant` でロールにアクセスを許可できます。詳しくは `/help` をご覧ください。',
  'servers-only.title': 'サーバー専用',
  'servers-only.body':
    '`/{command}` はサーバー内でのみ使えます。ボットは APIキーをサーバーごとに保管しているためです。サーバーのチャンネルで実行してください。詳しくはそこで `/help` をご覧ください。',
  'unknown-command.title': '不明なコマンド',
  'unknown-command.body':
    'このボットに `/{command}` はもうありません。ボットの運用者が `npm run deploy-commands` を実行して一覧を更新する必要があります。使えるコマンドは `/help` で確認できます。',
  'not-understood.title': 'わかりませんでした',
  'not-understood.body':
    'このフォームまたはボタンはこのボットのものではないか、もう使われていないため、何もしませんでした。ボットのスラッシュコマンドを使ってください。一覧は `/help` で見られます。',
  'cooldown.title': 'しばらくお待ちください',
  'cooldown.body': '`/{command}` はこのサーバーで先ほど実行されたばかりです。次に実行できるのは{when}です。',
  'options.title': 'オプションを認識できません',
  'options.body':
    '`/{command}` に指定されたオプションがこのコマンドと一致しません。確認してから、もう一度実行してください。',
  'store.title': 'ストレージを利用できません',
  'store.body':
    'ボットが現在データベースを読み書きできないため、何も変更・送信していません。ボットの運用者にはログで通知しました。数分後にもう一度お試しください。',
  'store.unknown.title': '結果不明: データベースが時間内に応答しませんでした',
  'store.unknown.body':
    'ボットはこの変更の保存をデータベースに依頼しましたが、時間内に応答がなかったため、保存されたかどうか分かりません。1分後に {check} で確認し、変更が反映されていなければもう一度コマンドを実行してください。ボットの運用者にはログで通知しました。',
  'damaged.title': 'このサーバーの設定を読み込めません',
  'damaged.body':
    'ボットのデータベースにあるこのサーバーの記録が破損しているため、何も変更・送信していません。ボットの運用者にはログで通知しました（該当する行にこのサーバーが記載されています）。',
  'error.title': '問題が発生しました',
  'error.body':
    'ボットで予期しないエラーが発生し、運用者向けに記録しました。ほかへの影響はありません。少ししてからもう一度お試しください。',
  'subcommand.title': '不明なサブコマンド',
  'subcommand.body': '{choices} のいずれかを使ってください。',

  // ---------------------------------------------------------------- /apikey
  'key.saved.body':
    'このサーバーのキー {mask} を暗号化して保存しました。管理者と許可されたロールは `/clearcache` を実行できるようになりました。',
  'key.saved.replaced':
    'このサーバーのキー {mask} を暗号化して保存しました。以前のキー {previous} は置き換えられました。管理者と許可されたロールは `/clearcache` を実行できるようになりました。',
  'key.refused.title': 'キーを保存しませんでした',
  'key.form.title': 'Stable Diffusion APIキー',
  'key.form.label': 'ModelsLab ダッシュボードの APIキー',
  'key.refused.kept': '以前に保存されたキーはそのままです。',
  'key.problem.empty': 'キーが空です。ModelsLab ダッシュボードの APIキーを貼り付けてください。',
  'key.problem.too-long':
    'キーが {length} 文字あります。キーは最大 {max} 文字です。キーだけを貼り付けたか確認してください。',
  'key.problem.whitespace': 'キーにスペース、改行、または見えない文字が含まれています。キーだけを貼り付けてください。',
  'key.problem.quoted': 'キーが引用符で囲まれています。引用符を付けずにキーだけを貼り付けてください。',
  'key.problem.characters':
    'キーに APIキーでは使われない文字が含まれています。キーは英字と数字でできています（- と _ も使えます）。引用符や句読点を付けずに、キーだけを貼り付けてください。',
  'key.problem.too-short':
    'キーが {length} 文字しかありません。APIキーは {min} 文字以上で、ModelsLab のキーはずっと長いです。すべてコピーしたか確認してください。',
  'key.problem.digits':
    'キーが数字だけなので、APIキーではなく（サーバー、ユーザー、チャンネルの）ID のようです。ModelsLab ダッシュボード（API Keys）からキーをコピーしてください。',
  'key.problem.word':
    'APIキーではなく、単語やプレースホルダーのようです。ModelsLab ダッシュボードのキーは英字と数字が混ざっています。ダッシュボード（API Keys）からキーそのものをコピーしてください。',
  'key.unreadable': '（現在の ENCRYPTION_KEY では開けません）',
  'key.none.title': 'APIキーが設定されていません',
  'key.none.status':
    'このサーバーには Stable Diffusion の APIキーがありません。`/apikey set` で保存してください。キーは ModelsLab ダッシュボードにあります。',
  'key.status.title': 'APIキー設定済み',
  'key.status.body': 'キー {mask}（{user} が {when} に設定）',
  'key.status.last': '最後のクリア',
  'key.status.last.value': '{outcome}（{user} が {when} に実行、{ms} ms）',
  'key.status.last.none': 'まだありません：`/clearcache` を実行してください',
  'key.removed.title': 'APIキーを削除しました',
  'key.removed.body':
    'キーをボットから削除しました。管理者がもう一度 `/apikey set` を実行するまで、`/clearcache` は何もしません。',
  'key.remove.none.title': '削除する APIキーがありません',
  'key.remove.none.body': 'このサーバーにはキーが保存されていませんでした。',
  'key.checked.title': 'API キーを確認して保存しました',
  'key.checked.body':
    'API はキー {mask} を受け付けました。暗号化して保存しました。管理者と許可されたロールは `/clearcache` を実行できるようになりました。',
  'key.checked.replaced':
    'API はキー {mask} を受け付けました。暗号化して保存し、以前のキー {previous} と置き換えました。管理者と許可されたロールは `/clearcache` を実行できるようになりました。',
  'key.invalid.body':
    'API はこのキーを拒否しました。無効か、取り消されています。ModelsLab のダッシュボード（API Keys）からもう一度コピーしてください。',
  'key.notsaved.title': 'API キーを保存できませんでした',
  'key.notsaved.body':
    'ボットがキーをデータベースに書き込めなかったため、保存していません。ボットの運用者にはログで通知しました。数分後にもう一度お試しください。',
  'key.notsaved.checked': 'API はキーを受け付けました',
  'key.unchecked.title': 'API キーを保存しました（未確認）',
  'key.unchecked.field': '確認できなかった理由',
  'key.unchecked.later': '`/apikey status` で API にもう一度問い合わせます。',
  'key.balance': '残高',
  'key.balance.value': 'ModelsLab アカウントに {balance}',
  'key.balance.refused':
    'API は保存されたキーを拒否しています。無効か、取り消されています。管理者は `/apikey set` で新しいキーを保存できます。',
  'key.balance.missing': 'API はキーを受け付けましたが、アカウントの残高は示しませんでした。',
  'key.balance.unknown': '今は確認できませんでした。',
  'check.waiting':
    'API から {when} までこのアカウントのリクエストを控えるよう求められているため、何も送信していません。',
  'check.rate-limited': 'API がこのアカウントのリクエストを制限しています。',
  'check.rate-limited.when': 'API がこのアカウントのリクエストを制限しています。{when} に再び受け付けます。',
  'check.timeout': 'API が {seconds} 秒以内に応答しませんでした。',
  'check.network': 'API への接続に失敗しました（{detail}）。',
  'check.redirect':
    'API は HTTP {status}（リダイレクト）を返しましたが、従っていません。ボットの運用者は `SD_API_BASE_URL` を確認してください。',
  'check.http-error': 'API は HTTP {status} で {answer} を返しました。',
  'check.api': 'API は応答しましたが、キーが有効かどうかは示しませんでした。',

  // ---------------------------------------------------------------- /access
  'role.missing.title': 'ロールが指定されていません',
  'role.missing.body': '`role` オプションでロールを選んでください。',
  'role.refused.title': 'ロールを許可できません',
  'role.problem.everyone':
    '@everyone を許可すると、すべてのメンバーがキャッシュをクリアできてしまいます。クリアしてよい人のためのロールを作成し、そのロールを許可してください。',
  'role.problem.managed':
    'このロールはボットまたは連携サービスが管理しているため、メンバーに付与できません。自分で付与するロールを選んでください。',
  'role.already.title': '許可済みです',
  'role.already.body': '{role} はすでに `/clearcache` を実行できます。',
  'role.granted.title': 'アクセスを許可しました',
  'role.granted.body': '{role} のメンバーが `/clearcache` を実行できるようになりました。',
  'role.not-granted.title': '許可されていないロールです',
  'role.not-granted.body': '{role} にはもともとアクセス権がなかったため、何も変わっていません。',
  'role.revoked.title': 'アクセスを取り消しました',
  'role.revoked.body': '{role} のメンバーは `/clearcache` を実行できなくなりました（管理者を除く）。',
  'roles.none.title': '許可されたロールはありません',
  'roles.none.body': '`/clearcache` を実行できるのは管理者だけです。`/access grant` でロールにアクセスを許可できます。',
  'roles.list.title': '/clearcache を実行できるロール',
  'roles.list.body': '{roles}\n\n管理者（「管理者」または「サーバー管理」権限）はいつでも実行できます。',
  'roles.list.empty': 'なし',
  'roles.more': '（ほか {count} 個）',
  'roles.cleaned.name': '一覧を整理しました',
  'roles.cleaned.value': '許可されていたロールのうち {count} 個がこのサーバーに存在しないため、一覧から削除しました。',
  'roles.unchecked.name': '補足',
  'roles.unchecked.value': '現在、一覧をサーバーのロールと照合できませんでした。',

  // ---------------------------------------------------------------- /audit
  'audit.title': '監査ログ（新しい順）',
  'audit.empty': 'まだ何もありません。キーの変更、アクセスの変更、クリアがここに表示されます。',
  'audit.key-set': '{user} が APIキーを設定',
  'audit.key-remove': '{user} が APIキーを削除',
  'audit.role-grant': '{user} が {role} にアクセスを許可',
  'audit.role-revoke': '{user} が {role} のアクセスを取り消し',
  'audit.clear': '{user} がキャッシュをクリア：{outcome}',
  'audit.clear.timed': '{user} がキャッシュをクリア：{outcome}（{ms} ms）',

  // ---------------------------------------------------------------- clear outcomes, in short (status, audit)
  'outcome.ok': 'クリア完了',
  'outcome.invalid-key': '無効なキー',
  'outcome.no-credits': 'クレジット不足',
  'outcome.plan': 'プラン対象外',
  'outcome.rate-limited': 'レート制限',
  'outcome.processing': '処理中',
  'outcome.api-error': 'APIエラー',
  'outcome.http-error': 'API利用不可',
  'outcome.timeout': 'タイムアウト',
  'outcome.network': 'ネットワーク障害',

  // ---------------------------------------------------------------- /clearcache
  'api.says': 'API からのメッセージ：',
  'set-key.hint':
    'サーバー管理者は `/apikey set` でキーを保存できます。キーは ModelsLab ダッシュボード（modelslab.com、API Keys）にあります。',
  'clear.ok.title': 'キャッシュをクリアしました',
  'clear.ok.footer': 'API の応答時間：{ms} ms',
  'clear.invalid-key.title': 'API がこのサーバーのキーを拒否しました',
  'clear.invalid-key.body': '保存されているキーは無効か、取り消されています。',
  'clear.no-credits.title': 'クレジットが不足しています',
  'clear.no-credits.body':
    'ModelsLab のダッシュボード（modelslab.com）でアカウントにクレジットを追加してから、もう一度 `/clearcache` を実行してください。残高は `/apikey status` で確認できます。',
  'clear.plan.title': 'ご利用のプランに含まれていません',
  'clear.plan.body': 'アカウントのプランではキャッシュをクリアできません。modelslab.com でアップグレードしてください。',
  'clear.rate-limited.title': 'API のレート制限中です',
  'clear.rate-limited.body': 'アカウントの待機中のリクエストが多すぎます。',
  'clear.rate-limited.when': '{when}にもう一度お試しください。',
  'clear.rate-limited.later': '1 分ほど待ってから、もう一度お試しください。',
  'clear.rate-limited.capped': '（API はもっと長い待機を求めましたが、ボットが待つのは最大 1 日です。）',
  'clear.processing.title': 'API がまだ処理中です',
  'clear.processing.body': 'リクエストは受け付けられ、処理中です。もう一度実行する必要はありません。',
  'clear.processing.eta':
    'リクエストは受け付けられ、処理中です。{when}に完了する見込みです。もう一度実行する必要はありません。',
  'clear.api-error.title': 'API がエラーを返しました',
  'clear.api-error.body':
    'HTTP ステータス {status}。繰り返し発生する場合は、modelslab.com でアカウントを確認してください。',
  'clear.redirect.title': 'API がリクエストをリダイレクトしました',
  'clear.redirect.body':
    'API は HTTP {status}（別のアドレスへのリダイレクト）を返しました。キーがほかへ送られないよう、リダイレクトには従っていません。ボットの運用者は `SD_API_BASE_URL` を確認してください。API の場所が変わった可能性があります。',
  'clear.http-error.title': 'API に問題が発生しています',
  'clear.http-error.body':
    'API は想定した JSON ではなく、HTTP {status} で{answer}を返しました。API 側の問題です。数分後にもう一度お試しください。',
  'clear.http-error.message': 'API は HTTP {status} を返しました。API 側の問題です。数分後にもう一度お試しください。',
  'answer.empty': '空の応答',
  'answer.html': 'HTML ページ',
  'answer.undocumented-json': '仕様にない JSON',
  'answer.not-json': 'JSON ではない応答',
  'answer.unreadable': 'ボットが読み取れない応答',
  'answer.too-deep': '入れ子が深すぎて読めない JSON',
  'answer.server-error': 'サーバーエラー',
  'clear.timeout.title': 'API が時間内に応答しませんでした',
  'clear.timeout.body':
    '{seconds} 秒以内に応答がありませんでした。キャッシュはクリアされていない可能性があります。1 分後にもう一度お試しください。',
  'clear.network.title': 'API に接続できませんでした',
  'clear.network.body':
    '接続に失敗しました（{detail}）。API が停止しているか、ボットの稼働環境から API に接続できない可能性があります。しばらくしてからもう一度お試しください。',
  'clear.no-key.title': 'APIキーが設定されていません',
  'clear.no-key.body': 'このサーバーにはまだ Stable Diffusion の APIキーがないため、何も送信していません。',
  'clear.unreadable.title': '保存されたキーを開けません',
  'clear.unreadable.body':
    'このサーバーに保存されたキーは別の ENCRYPTION_KEY で封印されている（または破損している）ため、何も送信していません。ボットの運用者は ENCRYPTION_KEY を確認してください。管理者が `/apikey set` でキーを保存し直すこともできます。',
  'clear.note': '補足',
  'clear.shared': 'このサーバーでは別のクリアがすでに実行中でした。これはその結果です。',
  'clear.unrecorded': 'このクリアを監査ログに記録できませんでした。',
  'clear.busy.title': 'クリアはすでに実行中です',
  'clear.busy.body':
    'このサーバーでは別のクリアがまだ実行中のため、これ以上は送信していません。結果は依頼された場所に表示されます。必要なら 1 分後にもう一度 `/clearcache` を実行してください。',

  // ---------------------------------------------------------------- /help
  'help.title': 'Stable Diffusion キャッシュボット',
  'help.about':
    'このボットは、このサーバーが共有する Stable Diffusion API（ModelsLab）アカウントのキャッシュを、暗号化して保存したこのサーバー専用の APIキーでクリアします。',
  'help.yours': 'ここで使えるコマンド',
  'help.admin.apikey':
    '`/apikey set`（キーを入力する非公開フォームを開く）、`/apikey status`、`/apikey remove`：APIキーの保存、確認、削除',
  'help.admin.access': '`/access grant`、`/access revoke`、`/access list`：`/clearcache` を実行できるロールの選択',
  'help.admin.audit': '`/audit`：キー・アクセス・キャッシュに関する直近 10 件の操作',
  'help.clearcache': '`/clearcache`：アカウントのキャッシュをクリア（応答はチャンネルの全員に表示されます）',
  'help.help': '`/help`：このメッセージ',
  'help.none':
    '使えるのは `/help` だけです。キャッシュをクリアしたい場合は、サーバー管理者（「管理者」または「サーバー管理」権限を持つメンバー）に `/clearcache` の実行を頼むか、`/access grant` であなたのロールにアクセスを許可してもらってください。',
  'help.key': 'APIキー',
  'help.key.set': '設定済み：このサーバーにはキーがあります。',
  'help.key.unset': '未設定：管理者が `/apikey set` で保存します。',
  'help.key.unknown': '不明：ボットが現在データベースを読み込めません。',
  'help.links': 'リンク',
  'help.links.value':
    '[ModelsLab ダッシュボード（APIキー、クレジット）](https://modelslab.com/dashboard) · [API ドキュメント](https://docs.modelslab.com)',
};
