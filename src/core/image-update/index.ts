/** Image-reference scanning and byte-minimal rewriting of one file. */
export { applySetters } from './apply-setters.ts';
export type { SetterOptions } from './apply-setters.ts';
export type { FileUpdate, FileUpdateContext, MarkerPolicy, PolicyResolver, VariableUse } from './model.ts';
export { parseMarkerComment, parseSetter } from './markers.ts';
export type { Marker, MarkerPart } from './markers.ts';
export { fillVariables, parseImageTemplate } from './image-template.ts';
export type { ImageTemplate, TemplateVariable } from './image-template.ts';
export { mightReference, releaseScreen, updateImageReferences } from './update-file.ts';
export { SubstituteError, updateSubstitute } from './update-substitute.ts';
