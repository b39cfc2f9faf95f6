// OpenAPI served by the apiserver: v3 per group-version (what kubectl 1.32 reads) and a minimal v2.
export { openapiV3Document, openapiV3Index, documentHash } from './v3';
export { openapiV2Json, openapiV2Protobuf, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_RESPONSE } from './v2';
export { groupVersionPath, schemaName } from './names';
