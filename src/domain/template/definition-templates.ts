import * as z from 'zod';
import type { FieldIssue } from '../errors.js';
import { relativePathSchema } from '../names.js';
import { checkTemplate } from './template-render.js';
import type { ParameterDefinitions } from './template-parameters.js';
import { parameterTypes } from './template-parameters.js';
import { TemplateError } from './template-error.js';

const TAG = /\{\{[^{}]*\}\}/g;

/**
 * `schema` checked on the text with every `{{ … }}` read as one plain
 * character, so a templated key part obeys the same rules as a literal one
 * (the rendered key is checked again at run time).
 *
 * @example templatedText(z.string().regex(/^[a-z]+$/)).parse('day{{ params.n }}') // ok
 */
export function templatedText<T extends z.ZodType<string>>(schema: T) {
  return z.string().superRefine((text, ctx) => {
    const parsed = schema.safeParse(text.replace(TAG, 'x'));
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  });
}

/** The definition's fields that may hold templates besides the SQL, as dotted paths. */
export interface TemplatedOutput {
  readonly outputFolderPath?: string;
  readonly filename?: string;
}

/** Static problems of the templates in `outputFolderPath` and `filename`: syntax, unknown variables and parameters, filters. */
export function outputTemplateIssues(out: TemplatedOutput, params: ParameterDefinitions | undefined): FieldIssue[] {
  const types = parameterTypes(params);
  const issues: FieldIssue[] = [];
  if (out.outputFolderPath) issues.push(...checkTemplate(out.outputFolderPath, 'outputDetails.outputFolderPath', 'path', types));
  if (out.filename) issues.push(...checkTemplate(out.filename, 'outputDetails.filename', 'path', types));
  return issues;
}

const FILENAME = /^[A-Za-z0-9._=-]{1,200}$/;
const folderSchema = relativePathSchema('bucket');

/** A rendered `filename` or `outputFolderPath`, checked by the rules of a literal one; throws a TemplateError naming the field. */
export function checkRenderedKeyPart(field: 'outputDetails.filename' | 'outputDetails.outputFolderPath', text: string): string {
  const ok = field === 'outputDetails.filename' ? FILENAME.test(text) && text !== '.' && text !== '..' : text === '' || folderSchema.safeParse(text).success;
  if (!ok) throw new TemplateError([{ path: field, message: `renders as '${text.slice(0, 300)}', which is not a valid ${field === 'outputDetails.filename' ? 'file name' : 'folder path'}` }]);
  return text;
}
