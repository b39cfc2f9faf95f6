// Taints and tolerations: keys are label names, values label values, effects and operators from
// their closed sets, tolerationSeconds only with NoExecute and no value with Exists — worded and
// placed as ValidateTolerations and validateNodeTaints place them.
import { duplicate, invalid, notSupported, required, type FieldError } from './field-errors';
import { labelValueErrors, qualifiedName } from './validation-names';

type Obj = Record<string, any>;
const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function taintEffect(effect: unknown, allowEmpty: boolean, field: string): FieldError[] {
  if (!allowEmpty && !effect) return [required(field)];
  return EFFECTS.includes(effect as string) ? [] : [notSupported(field, effect ?? '', EFFECTS)];
}

/** ValidateTolerations. */
export function tolerations(list: unknown, field: string): FieldError[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((t: Obj, i) => {
    const f = `${field}[${i}]`;
    const errs: FieldError[] = [];
    const key = str(t?.key);
    const op = str(t?.operator);
    const value = str(t?.value);
    if (key) errs.push(...qualifiedName(`${f}.key`, key));
    if (!key && op !== 'Exists') errs.push(invalid(`${f}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t?.tolerationSeconds !== undefined && t?.tolerationSeconds !== null && t?.effect !== 'NoExecute')
      errs.push(invalid(`${f}.effect`, str(t?.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const msgs = labelValueErrors(value);
      if (msgs.length) errs.push(invalid(`${f}.operator`, value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(invalid(`${f}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(notSupported(`${f}.operator`, op, ['Equal', 'Exists']));
    if (t?.effect) errs.push(...taintEffect(t.effect, true, `${f}.effect`));
    return errs;
  });
}

/** validateNodeTaints (upstream reports them under metadata.taints). */
export function taints(list: unknown, field: string): FieldError[] {
  if (!Array.isArray(list)) return [];
  const seen = new Map<string, Set<string>>();
  const errs: FieldError[] = [];
  list.forEach((t: Obj, i) => {
    const f = `${field}[${i}]`;
    const key = str(t?.key);
    errs.push(...qualifiedName(`${f}.key`, key));
    const msgs = labelValueErrors(str(t?.value));
    if (msgs.length) errs.push(invalid(`${f}.value`, str(t?.value), msgs.join(';')));
    errs.push(...taintEffect(t?.effect, false, `${f}.effect`));
    const effect = str(t?.effect);
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      errs.push(duplicate(f, t, 'taints must be unique by key and effect pair'));
      return;
    }
    keys.add(key);
    seen.set(effect, keys);
  });
  return errs;
}
