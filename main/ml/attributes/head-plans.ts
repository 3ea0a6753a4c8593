/** One attribute of a dataset's attribute schema: its name and what each coded value means. */
export interface AttributeSchema {
  name: string;
  valueMeanings: Record<string, string>;
}

/**
 * One softmax classifier to train. A coded head predicts the code of one
 * attribute, with one class per code in ascending order. A colour head
 * predicts one colour from the one-vs-rest colour attributes of a garment
 * (such as upblack, upwhite), with one class per colour.
 */
export interface HeadPlan {
  name: string;
  kind: 'coded' | 'colour';
  /** Meaning of each class: the code's meaning, or the colour name. */
  classNames: string[];
  /** Coded heads: the attribute code of each class. Colour heads: the colour attribute of each class. */
  sources: (number | string)[];
}

/** Colour attributes of the Market-1501 and DukeMTMC attribute files: a garment prefix and a colour, coded 2 when the garment has that colour. */
const colourAttribute = /^(up|down)(black|white|red|purple|yellow|gray|grey|blue|green|brown|pink|orange)$/;

/** Code that the attribute files use for "yes" in one-vs-rest attributes. */
const yesCode = 2;

/**
 * Plans the heads of a schema: one colour head per garment that has colour
 * attributes, named 'up_colour' or 'down_colour', and one coded head for
 * every other attribute with at least two codes.
 */
export function planHeads(attributes: readonly AttributeSchema[]): HeadPlan[] {
  const plans: HeadPlan[] = [];
  const colours = new Map<string, { colour: string; attribute: string }[]>();

  for (const attribute of attributes) {
    const colour = colourAttribute.exec(attribute.name);
    if (colour) {
      const [, garment, name] = colour;
      colours.set(garment, [...(colours.get(garment) ?? []), { colour: name === 'grey' ? 'gray' : name, attribute: attribute.name }]);
      continue;
    }

    const codes = Object.keys(attribute.valueMeanings).map(Number).sort((a, b) => a - b);
    if (codes.length < 2) continue;
    plans.push({ name: attribute.name, kind: 'coded', classNames: codes.map((code) => attribute.valueMeanings[String(code)]), sources: codes });
  }

  for (const [garment, members] of colours) {
    if (members.length < 2) continue;
    plans.push({ name: `${garment}_colour`, kind: 'colour', classNames: members.map((member) => member.colour), sources: members.map((member) => member.attribute) });
  }
  return plans;
}

/**
 * Returns the class of one identity for a head, or -1 when the identity has
 * no usable label: a missing code, or for a colour head not exactly one colour marked.
 */
export function classOf(plan: HeadPlan, codes: ReadonlyMap<string, number>): number {
  if (plan.kind === 'coded') {
    const code = codes.get(plan.name);
    return code === undefined ? -1 : plan.sources.indexOf(code);
  }

  let found = -1;
  for (let i = 0; i < plan.sources.length; i++) {
    if (codes.get(plan.sources[i] as string) !== yesCode) continue;
    if (found !== -1) return -1;
    found = i;
  }
  return found;
}

/** Returns the class of every row for every head, -1 marking rows without a label. */
export function labelRows(plans: readonly HeadPlan[], rowCodes: readonly ReadonlyMap<string, number>[]): Int32Array[] {
  return plans.map((plan) => Int32Array.from(rowCodes, (codes) => classOf(plan, codes)));
}
