// What a version conversion (ResourceSpec.servedVersions) throws on input it cannot convert: the
// registry answers it as a 422 naming the field, as a validation error would be.
export class ConversionError extends Error {
  readonly code = 'CONVERSION_FAILED';
  constructor(readonly field: string, readonly value: unknown, readonly detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'ConversionError';
  }
}
