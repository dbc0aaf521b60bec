/**
 * Discord's own checks on what a bot sends, answered the way Discord answers them: a 400 with
 * `{"code":50035,"message":"Invalid Form Body","errors":{<path>:{"_errors":[...]}}}`, or 50006
 * for an empty message. Limits from /work/shared/discord-openapi.json and Discord's docs.
 *
 *   validateMessageData(body, mustHaveContent, fileCount?): DiscordError | undefined
 *   validateCommands(body): DiscordError | undefined      (bulk-overwrite PUT bodies)
 *   validateModalData(data): DiscordError | undefined     (type 9 callbacks: a modal's title, text inputs)
 */
import { ApplicationCommandType, Locale } from 'discord.js';
import type { MessageBody } from './discord-payloads.js';

type FieldErrors = Record<string, unknown>;
export interface DiscordError {
  code: number;
  message: string;
  errors?: FieldErrors;
}

function addError(errors: FieldErrors, path: readonly (string | number)[], code: string, message: string): void {
  let node = errors;
  for (const key of path) {
    node[String(key)] ??= {};
    node = node[String(key)] as FieldErrors;
  }
  node._errors ??= [];
  (node._errors as Array<{ code: string; message: string }>).push({ code, message });
}

function checkLength(errors: FieldErrors, path: Array<string | number>, value: unknown, max: number, min = 0): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'string') {
    addError(errors, path, 'STRING_TYPE_CONVERT', 'Could not interpret value as string.');
    return 0;
  }
  const length = [...value].length;
  if (length > max || length < min) {
    addError(errors, path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }
  return length;
}

function invalidFormBody(errors: FieldErrors): DiscordError | undefined {
  return Object.keys(errors).length > 0 ? { code: 50035, message: 'Invalid Form Body', errors } : undefined;
}

/** Discord's message limits: content 2000, 10 embeds, per-field embed limits, 6000 embed characters in all. */
export function validateMessageData(
  body: MessageBody,
  mustHaveContent: boolean,
  fileCount = 0,
): DiscordError | undefined {
  const errors: FieldErrors = {};
  checkLength(errors, ['content'], body.content, 2000);
  const embeds = body.embeds ?? [];
  if (embeds.length > 10) addError(errors, ['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let embedChars = 0;
  embeds.forEach((embed, i) => {
    embedChars += checkLength(errors, ['embeds', i, 'title'], embed.title, 256);
    embedChars += checkLength(errors, ['embeds', i, 'description'], embed.description, 4096);
    embedChars += checkLength(errors, ['embeds', i, 'footer', 'text'], embed.footer?.text, 2048);
    embedChars += checkLength(errors, ['embeds', i, 'author', 'name'], embed.author?.name, 256);
    const fields = embed.fields ?? [];
    if (fields.length > 25)
      addError(errors, ['embeds', i, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    fields.forEach((field, j) => {
      embedChars += checkLength(errors, ['embeds', i, 'fields', j, 'name'], field.name, 256, 1);
      embedChars += checkLength(errors, ['embeds', i, 'fields', j, 'value'], field.value, 1024, 1);
    });
    if (embed.color !== undefined && (embed.color < 0 || embed.color > 0xffffff)) {
      addError(
        errors,
        ['embeds', i, 'color'],
        'NUMBER_TYPE_MAX',
        'int value should be less than or equal to 16777215.',
      );
    }
  });
  if (embedChars > 6000)
    addError(errors, ['embeds'], 'MESSAGE_EMBEDS_TOO_LONG', 'Embed size exceeds maximum size of 6000');
  const invalid = invalidFormBody(errors);
  if (invalid) return invalid;
  const empty = !body.content && embeds.length === 0 && (body.components ?? []).length === 0 && fileCount === 0;
  if (mustHaveContent && empty) return { code: 50006, message: 'Cannot send an empty message' };
  return undefined;
}

interface TextInputLike {
  type?: unknown;
  custom_id?: unknown;
  style?: unknown;
  label?: unknown;
  placeholder?: unknown;
  value?: unknown;
  min_length?: unknown;
  max_length?: unknown;
}

function checkInt(errors: FieldErrors, path: Array<string | number>, value: unknown, min: number, max: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    addError(errors, path, 'NUMBER_TYPE_MAX', `int value should be between ${min} and ${max}.`);
  }
}

/**
 * A modal (callback type 9): custom_id 1-100, title 1-45, 1 to 5 top-level components, each an
 * action row holding one text input or a label (label 1-45) around one; a text input's custom_id
 * 1-100, style 1 or 2, label 1-45 (in an action row, required), placeholder up to 100, value up to
 * 4000, min_length 0-4000 and max_length 1-4000 with min <= max.
 */
export function validateModalData(data: unknown): DiscordError | undefined {
  const errors: FieldErrors = {};
  const body = (typeof data === 'object' && data !== null ? data : {}) as {
    custom_id?: unknown;
    title?: unknown;
    components?: unknown;
  };
  checkLength(errors, ['custom_id'], body.custom_id ?? '', 100, 1);
  checkLength(errors, ['title'], body.title ?? '', 45, 1);
  const rows = Array.isArray(body.components)
    ? (body.components as Array<{ type?: unknown; components?: unknown; label?: unknown; component?: unknown }>)
    : [];
  if (rows.length < 1 || rows.length > 5)
    addError(errors, ['components'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.');
  rows.forEach((row, i) => {
    let inputs: TextInputLike[];
    let path: Array<string | number>;
    let labelled = false;
    if (row.type === 1) {
      inputs = Array.isArray(row.components) ? (row.components as TextInputLike[]) : [];
      path = ['components', i, 'components', 0];
      if (inputs.length !== 1)
        addError(errors, ['components', i, 'components'], 'BASE_TYPE_BAD_LENGTH', 'Must be 1 in length.');
    } else if (row.type === 18) {
      labelled = true;
      checkLength(errors, ['components', i, 'label'], row.label ?? '', 45, 1);
      inputs = [row.component as TextInputLike];
      path = ['components', i, 'component'];
    } else {
      addError(
        errors,
        ['components', i, 'type'],
        'UNION_TYPE_CHOICES',
        'Value of field "type" must be one of (1, 18).',
      );
      return;
    }
    const input = inputs[0] ?? {};
    if (input.type !== 4)
      addError(errors, [...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be 4 here.');
    checkLength(errors, [...path, 'custom_id'], input.custom_id ?? '', 100, 1);
    if (input.style !== 1 && input.style !== 2)
      addError(errors, [...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of (1, 2).');
    if (labelled) checkLength(errors, [...path, 'label'], input.label, 45, 1);
    else checkLength(errors, [...path, 'label'], input.label ?? '', 45, 1);
    checkLength(errors, [...path, 'placeholder'], input.placeholder, 100);
    checkLength(errors, [...path, 'value'], input.value, 4000);
    checkInt(errors, [...path, 'min_length'], input.min_length, 0, 4000);
    checkInt(errors, [...path, 'max_length'], input.max_length, 1, 4000);
    if (
      typeof input.min_length === 'number' &&
      typeof input.max_length === 'number' &&
      input.min_length > input.max_length
    ) {
      addError(errors, [...path, 'min_length'], 'BASE_TYPE_BAD_LENGTH', 'min_length must not exceed max_length.');
    }
  });
  return invalidFormBody(errors);
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

interface CommandLike {
  name?: unknown;
  name_localizations?: unknown;
  description?: unknown;
  description_localizations?: unknown;
  type?: unknown;
  options?: unknown;
}

const LOCALES = new Set<string>(Object.values(Locale));

/** `*_localizations`: null, or an object from Discord locales to strings each checked by `check`. */
function checkLocalizations(
  errors: FieldErrors,
  path: Array<string | number>,
  value: unknown,
  check: (path: Array<string | number>, text: unknown) => void,
): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    addError(errors, path, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
    return;
  }
  for (const [locale, text] of Object.entries(value)) {
    if (!LOCALES.has(locale))
      addError(errors, [...path, locale], 'BASE_TYPE_CHOICES', `Value must be one of ${JSON.stringify([...LOCALES])}.`);
    else check([...path, locale], text);
  }
}

function checkCommandShape(
  errors: FieldErrors,
  path: Array<string | number>,
  item: CommandLike,
  chatInput: boolean,
): void {
  const validName = (name: unknown): boolean =>
    typeof name === 'string' && COMMAND_NAME.test(name) && !(chatInput && name !== name.toLowerCase());
  if (!validName(item.name))
    addError(errors, [...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  checkLocalizations(errors, [...path, 'name_localizations'], item.name_localizations, (at, name) => {
    if (!validName(name)) addError(errors, at, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  });
  if (chatInput) {
    checkLength(errors, [...path, 'description'], item.description ?? '', 100, 1);
    checkLocalizations(errors, [...path, 'description_localizations'], item.description_localizations, (at, text) =>
      checkLength(errors, at, text ?? '', 100, 1),
    );
  }
  if (item.options === undefined || item.options === null) return;
  if (!Array.isArray(item.options)) {
    addError(errors, [...path, 'options'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return;
  }
  if (item.options.length > 25)
    addError(errors, [...path, 'options'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  const seen = new Set<unknown>();
  (item.options as CommandLike[]).forEach((option, i) => {
    if (seen.has(option.name)) {
      addError(
        errors,
        [...path, 'options', i, 'name'],
        'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
        'Option name already exists',
      );
    }
    seen.add(option.name);
    checkCommandShape(errors, [...path, 'options', i], option, true);
  });
}

/** Checks a bulk-overwrite body: an array of at most 100 commands with valid, unique names, and their localizations. */
export function validateCommands(body: unknown): DiscordError | undefined {
  const errors: FieldErrors = {};
  if (!Array.isArray(body)) {
    addError(errors, [], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return invalidFormBody(errors);
  }
  if (body.length > 100) addError(errors, [], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
  const seen = new Set<string>();
  (body as CommandLike[]).forEach((command, i) => {
    const type = typeof command.type === 'number' ? command.type : ApplicationCommandType.ChatInput;
    checkCommandShape(errors, [i], command, type === ApplicationCommandType.ChatInput);
    const identity = `${type}:${String(command.name)}`;
    if (seen.has(identity)) {
      addError(errors, [i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
    }
    seen.add(identity);
  });
  return invalidFormBody(errors);
}
