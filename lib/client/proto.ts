// Loads proto/k8ts.proto once per process; both the apiserver and the clients use this.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ApiError } from '../errors';
import { repoRoot } from '../repo-root';
import type { Status } from '../api/types';
import { canonicalStatus } from '../api/status';

let cached: grpc.GrpcObject | undefined;

export function loadApiPackage(): grpc.GrpcObject {
  if (!cached) {
    const def = protoLoader.loadSync(path.join(repoRoot(), 'proto', 'k8ts.proto'), {
      keepCase: false,
      longs: Number,
      defaults: true,
      oneofs: true,
    });
    cached = grpc.loadPackageDefinition(def);
  }
  return cached;
}

export function apiServiceDefinition(): grpc.ServiceDefinition {
  const pkg = loadApiPackage() as any;
  return pkg.k8ts.v1.Api.service as grpc.ServiceDefinition;
}

export const STATUS_METADATA_KEY = 'k8s-status-bin';

/** Maps an HTTP status code of a Kubernetes Status to the closest gRPC code. */
export function grpcCodeFor(httpCode: number): grpc.status {
  switch (httpCode) {
    case 400: case 422: return grpc.status.INVALID_ARGUMENT;
    case 401: return grpc.status.UNAUTHENTICATED;
    case 403: return grpc.status.PERMISSION_DENIED;
    case 404: return grpc.status.NOT_FOUND;
    case 405: case 415: return grpc.status.UNIMPLEMENTED;
    case 409: return grpc.status.ABORTED;
    case 410: return grpc.status.OUT_OF_RANGE;
    case 413: return grpc.status.RESOURCE_EXHAUSTED;
    case 429: return grpc.status.RESOURCE_EXHAUSTED;
    case 503: return grpc.status.UNAVAILABLE;
    case 504: return grpc.status.DEADLINE_EXCEEDED;
    default: return grpc.status.INTERNAL;
  }
}

/** Builds the gRPC error a server returns for a Status. */
export function grpcErrorFromStatus(s: Status): grpc.ServiceError {
  const md = new grpc.Metadata();
  // The same Status as the REST door's body: kube-apiserver's field order and omissions.
  md.set(STATUS_METADATA_KEY, Buffer.from(JSON.stringify(canonicalStatus(s))));
  const err = new Error(s.message ?? s.reason ?? 'error') as grpc.ServiceError;
  err.code = grpcCodeFor(s.code);
  err.details = s.message ?? '';
  err.metadata = md;
  return err;
}

/** Turns a gRPC error back into an ApiError when it carries a Status, else a 503/500 ApiError. */
export function apiErrorFromGrpc(err: grpc.ServiceError): ApiError {
  const raw = err.metadata?.get(STATUS_METADATA_KEY)?.[0];
  if (raw) {
    try {
      return new ApiError(JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)) as Status);
    } catch {
      /* fall through to a generic error */
    }
  }
  const unavailable = err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.DEADLINE_EXCEEDED;
  return new ApiError({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    code: unavailable ? 503 : 500,
    reason: unavailable ? 'ServiceUnavailable' : 'InternalError',
    message: err.details || err.message,
  });
}
