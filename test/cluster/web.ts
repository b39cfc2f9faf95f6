// The demo workload the multi-machine tests and bench:multinode run: six k8ts/web pods (small
// requests, so they spread over the workers) behind a NodePort Service, and the probe that asks it.
import * as http from 'node:http';

export const WEB_MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: k8ts/web:1.0
          ports: [{containerPort: 8080}]
          resources: {requests: {cpu: 10m, memory: 8Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

/** Whether a GET answers 200 within timeoutMs; any failure (refused, reset, timed out) is false. */
export function httpOk(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
