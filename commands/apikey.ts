/**
 * /apikey set [key:<key>] | status | remove: the server's Stable Diffusion API key. Admins only.
 * `/apikey set` alone opens a private form for the key (nothing typed into the channel's command
 * line); the submitted form takes the same road as the option. The key is sealed at rest and only
 * ever shown masked. A new key is checked with the API before it is kept (a key the API refuses is
 * not); status shows the account's balance.
 */
import { SlashCommandBuilder } from '@discordjs/builders';
import { userMention } from '@discordjs/formatters';
import {
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  TextInputStyle,
} from 'discord-api-types/v10';
import { MAX_KEY_LENGTH, MIN_KEY_LENGTH, checkApiKey, maskKey } from '../src/core/apikey.js';
import type { Balance, KeySet, Unchecked } from '../src/core/keys.js';
import { type Money, type Translate, described } from '../src/i18n/index.js';
import type { Command, CommandContext, CommandResult } from '../src/interactions/command.js';
import { stringOption } from '../src/interactions/input.js';
import {
  failure,
  info,
  keyProblem,
  outcomeLabel,
  quote,
  relative,
  stamp,
  success,
  unknownSubcommand,
  warning,
  withField,
} from '../src/interactions/replies.js';

function storedMask(guildId: string, ctx: CommandContext): string | undefined {
  const opened = ctx.guilds.openKey(guildId, ctx.settings);
  if (opened.kind === 'ok') return maskKey(opened.key);
  return opened.kind === 'unreadable' ? ctx.t('key.unreadable') : undefined;
}

/**
 * Stores a key for the guild, however it was entered (an option, or a form): its shape, then the
 * API's word on it, then the write. What the admin reads says which of these happened.
 */
export async function checkAndSetKey(
  guildId: string,
  userId: string,
  key: string | undefined,
  ctx: CommandContext,
): Promise<CommandResult> {
  const { t } = ctx;
  const kept = ctx.settings.apiKey ? ` ${t('key.refused.kept')}` : '';
  const checked = checkApiKey(key);
  if (!checked.ok)
    return { outcome: 'invalid-input', embeds: [warning(t('key.refused.title'), `${keyProblem(t, checked)}${kept}`)] };
  const previous = storedMask(guildId, ctx);
  const set = await ctx.keys.checkAndSetKey(guildId, userId, checked.key, ctx.settings);
  if (set.kind === 'refused') return { outcome: 'key-refused', embeds: [refusedEmbed(t, set.message, kept)] };
  if (set.kind === 'not-saved') {
    ctx.log.error({ guildId, userId, err: set.error, written: set.error.written }, 'store unavailable');
    return { outcome: 'store-error', embeds: [notSavedEmbed(t, set.check, kept)] };
  }
  return {
    outcome: set.kind === 'checked' ? 'ok' : 'key-unchecked',
    embeds: [savedEmbed(t, maskKey(checked.key), previous, set)],
  };
}

/** Exported for the checks that every reply fits Discord. */
export const refusedEmbed = (t: Translate, message: string, kept: string) =>
  warning(t('key.refused.title'), said(t, message, `${t('key.invalid.body')}${kept}`));

type CheckedOrNot = Extract<KeySet, { kind: 'checked' | 'unchecked' }>;

export function savedEmbed(t: Translate, mask: string, previous: string | undefined, set: CheckedOrNot): APIEmbed {
  if (set.kind === 'checked') {
    const body = previous ? t('key.checked.replaced', { mask, previous }) : t('key.checked.body', { mask });
    return withField(success(t('key.checked.title'), body), t('key.balance'), balanceValue(t, set.balance));
  }
  const body = previous ? t('key.saved.replaced', { mask, previous }) : t('key.saved.body', { mask });
  return withField(
    warning(t('key.unchecked.title'), body),
    t('key.unchecked.field'),
    `${why(t, set.why)} ${t('key.unchecked.later')}`,
  );
}

/** The API's word on the key was had (or not), then the store failed the write: nothing is kept. */
export function notSavedEmbed(t: Translate, check: CheckedOrNot, kept: string): APIEmbed {
  const base = failure(t('key.notsaved.title'), `${t('key.notsaved.body')}${kept}`);
  return check.kind === 'checked'
    ? withField(base, t('key.notsaved.checked'), balanceValue(t, check.balance))
    : withField(base, t('key.unchecked.field'), why(t, check.why));
}

const balanceValue = (t: Translate, balance: Money | undefined) =>
  balance ? t('key.balance.value', { balance }) : t('key.balance.missing');

/**
 * The API's message first, quoted as it came, then our words (as clear replies do). In a field
 * (1024 characters) the message is cut to FIELD_MESSAGE_CHARS: quoting can double its length.
 */
const said = (t: Translate, message: string | undefined, ours: string, limit = Infinity) =>
  message
    ? `${t('api.says')}\n${quote(message.length > limit ? `${message.slice(0, limit - 1)}…` : message)}\n\n${ours}`
    : ours;
const FIELD_MESSAGE_CHARS = 300;

/** Why the API's word on a key (or its balance) could not be had, for a field. */
function why(t: Translate, reason: Unchecked): string {
  switch (reason.kind) {
    case 'waiting':
      return t('check.waiting', { when: relative(reason.until) });
    case 'rate-limited':
      return said(
        t,
        reason.message,
        reason.until ? t('check.rate-limited.when', { when: relative(reason.until) }) : t('check.rate-limited'),
        FIELD_MESSAGE_CHARS,
      );
    case 'timeout':
      return t('check.timeout', { seconds: Math.round(reason.afterMs / 100) / 10 });
    case 'network':
      return t('check.network', { detail: reason.detail });
    case 'http-error':
      if (reason.answer === 'redirect') return t('check.redirect', { status: String(reason.status) });
      return said(
        t,
        reason.message,
        t('check.http-error', { status: String(reason.status), answer: t(`answer.${reason.answer}`) }),
        FIELD_MESSAGE_CHARS,
      );
    default:
      return said(t, reason.message, t('check.api'), FIELD_MESSAGE_CHARS);
  }
}

export function balanceLine(t: Translate, balance: Balance): string {
  if (balance.kind === 'ok') return balanceValue(t, balance.balance);
  if (balance.kind === 'refused') return said(t, balance.message, t('key.balance.refused'), FIELD_MESSAGE_CHARS);
  return `${t('key.balance.unknown')} ${why(t, balance.why)}`;
}

async function status(guildId: string, ctx: CommandContext): Promise<CommandResult> {
  const { t } = ctx;
  const { apiKey, lastClear } = ctx.settings;
  if (!apiKey) return { outcome: 'ok', embeds: [info(t('key.none.title'), t('key.none.status'))] };
  const opened = ctx.guilds.openKey(guildId, ctx.settings);
  let reply = info(
    t('key.status.title'),
    t('key.status.body', {
      mask: storedMask(guildId, ctx) ?? '',
      user: userMention(apiKey.setBy),
      when: stamp(apiKey.setAt),
    }),
  );
  // A key that cannot be opened cannot be asked about: the mask already says why.
  if (opened.kind === 'ok')
    reply = withField(
      reply,
      t('key.balance'),
      balanceLine(t, await ctx.keys.balance(guildId, opened.key, ctx.settings)),
    );
  const last = lastClear
    ? t('key.status.last.value', {
        outcome: outcomeLabel(t, lastClear.outcome),
        user: userMention(lastClear.by),
        when: stamp(lastClear.at),
        ms: lastClear.latencyMs,
      })
    : t('key.status.last.none');
  return { outcome: 'ok', embeds: [withField(reply, t('key.status.last'), last)] };
}

async function remove(guildId: string, userId: string, ctx: CommandContext): Promise<CommandResult> {
  const { t } = ctx;
  return (await ctx.guilds.removeKey(guildId, userId, ctx.settings))
    ? { outcome: 'ok', embeds: [success(t('key.removed.title'), t('key.removed.body'))] }
    : { outcome: 'ok', embeds: [info(t('key.remove.none.title'), t('key.remove.none.body'))] };
}

/** The form's custom_id and its one text input's: fixed names, so a submitted form carries nothing else to trust. */
export const KEY_FORM_ID = 'apikey:set';
export const KEY_FIELD_ID = 'key';

/** The private form `/apikey set` opens: one short text input for the key. Exported for the checks that it fits Discord. */
export function keyForm(t: Translate): APIModalInteractionResponseCallbackData {
  return {
    custom_id: KEY_FORM_ID,
    title: t('key.form.title'),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            custom_id: KEY_FIELD_ID,
            style: TextInputStyle.Short,
            label: t('key.form.label'),
            min_length: MIN_KEY_LENGTH,
            max_length: MAX_KEY_LENGTH,
            required: true,
          },
        ],
      },
    ],
  };
}

export const command: Command = {
  data: described(new SlashCommandBuilder().setName('apikey'), 'cmd.apikey')
    .addSubcommand((s) =>
      described(s.setName('set'), 'cmd.apikey.set').addStringOption((o) =>
        described(o.setName('key'), 'cmd.apikey.set.key').setRequired(false).setMaxLength(MAX_KEY_LENGTH),
      ),
    )
    .addSubcommand((s) => described(s.setName('status'), 'cmd.apikey.status'))
    .addSubcommand((s) => described(s.setName('remove'), 'cmd.apikey.remove')),
  access: 'admin',
  visibility: 'ephemeral',
  // Without the option, the key is asked for in a form: it never shows in the command line.
  modal: (input, t) => (input.subcommand === 'set' && !input.options.has('key') ? keyForm(t) : undefined),
  forms: {
    [KEY_FORM_ID]: (input, ctx) =>
      checkAndSetKey(input.guildId, input.caller.id, input.component.fields.get(KEY_FIELD_ID) ?? '', ctx),
  },
  async execute(input, ctx) {
    const { guildId } = input;
    switch (input.subcommand) {
      case 'set':
        return checkAndSetKey(guildId, input.caller.id, stringOption(input, 'key'), ctx);
      case 'status':
        return status(guildId, ctx);
      case 'remove':
        return remove(guildId, input.caller.id, ctx);
      default:
        return {
          outcome: 'invalid-input',
          embeds: [unknownSubcommand(ctx.t, '/apikey set', '/apikey status', '/apikey remove')],
        };
    }
  },
};
