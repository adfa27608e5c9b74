/**
 * Random edits of event texts for the scanner's property tests: characters inserted, replaced or
 * deleted (structure, digits, escapes, surrogates, BOM, control characters — C0, DEL, C1, raw or
 * escaped), truncation, and a member inserted after some '{' (duplicate keys, unknown keys with
 * valid or invalid JSON values).
 */
import fc from 'fast-check';

const EDIT_CHARS = [
  ...'"\\{}[],:0123456789.-+eE nul tf\t\n',
  '\uD800',
  '\uDC00',
  '\uD83D\uDE00',
  '\uFEFF',
  'é',
  '€',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u0085',
  '\\u0001',
  '\\ud800',
  '\u2028',
];
/** Edits that often leave the event valid: a letter or digit in a string, whitespace between tokens. */
const BENIGN_CHARS = ['A', '7', 'é', ' ', '\n'];
const MEMBERS = [
  '"storeId":"S1",',
  '"total":0,',
  '"lines":[],',
  '"note":"x",',
  '"__proto__":{},',
  '"sto\\u0072eId":"S1",',
  '"note":{"a":[1,-2.5e+3,0.5E-1,true,false,null,"\\u00e9\\n\\"\\/"],"b":{}},',
  '"note":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],',
  '"note":01,',
  '"note":[1,],',
  '"note":"\\x",',
  '"note":"\\u12G4",',
  '"note":tru,',
  '"note":-,',
  '"note":1.,',
  '"note":1e,',
  '"note":{"a" 1},',
  '"customerId":null,',
  '"discount":0,',
  '"lineNo":1,',
  '"amount":0,',
];

/** A random edit of `text`: character edits, truncation, or a member inserted after some '{'. */
export const editArb = fc.oneof(
  fc.record({
    kind: fc.constant('chars' as const),
    at: fc.array(fc.noBias(fc.nat()), { minLength: 1, maxLength: 3 }),
    ch: fc.array(
      fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...EDIT_CHARS) }, fc.constantFrom(...BENIGN_CHARS)),
      {
        minLength: 3,
        maxLength: 3,
      },
    ),
    op: fc.constantFrom('insert', 'replace', 'delete'),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.noBias(fc.nat()) }),
  fc.record({
    kind: fc.constant('member' as const),
    at: fc.noBias(fc.nat()),
    member: fc.constantFrom(...MEMBERS),
  }),
);
export type Edit = typeof editArb extends fc.Arbitrary<infer T> ? T : never;

export function applyEdit(text: string, edit: Edit): string {
  if (edit.kind === 'truncate') return text.slice(0, edit.at % (text.length + 1));
  if (edit.kind === 'member') {
    const braces = [...text.matchAll(/\{/g)].map((m) => m.index);
    const at = (braces[edit.at % Math.max(1, braces.length)] ?? -1) + 1;
    return text.slice(0, at) + edit.member + text.slice(at);
  }
  let out = text;
  edit.at.forEach((a, i) => {
    const at = a % (out.length + 1);
    const ch = edit.ch[i] ?? '';
    if (edit.op === 'insert') out = out.slice(0, at) + ch + out.slice(at);
    else if (edit.op === 'replace') out = out.slice(0, at) + ch + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(at + 1);
  });
  return out;
}
