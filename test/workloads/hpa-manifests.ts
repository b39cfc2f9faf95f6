// Manifests of the HPA integration test and bench: a Deployment whose pods burn CPU while their
// LOAD variable says "on" (switched with `kubectl set env`), and an autoscaling/v2 HPA on CPU
// utilization with a short scale-down window so that scaling back down does not take 5 minutes.

/** A Deployment of burners with 100m CPU requests (capped at 150m so one pod reads 150%). */
export const burnerDeployment = (name: string, load: 'on' | 'off', replicas = 1) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: burn
        image: k8ts/web:1.0
        env: [{name: LOAD, value: "${load}"}]
        command: ["sh", "-c", "if [ \\"$LOAD\\" = on ]; then while :; do :; done; else exec sleep 1000000; fi"]
        resources:
          requests: {cpu: 100m, memory: 16Mi}
          limits: {cpu: 150m, memory: 64Mi}
`;

/** An HPA on 50% CPU for the Deployment, 1 to max replicas, scale-down stabilized over 10 s only. */
export const cpuHpa = (name: string, target: { kind: string; apiVersion: string; name: string }, max: number, min = 1) => `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: ${name}}
spec:
  scaleTargetRef: {apiVersion: ${target.apiVersion}, kind: ${target.kind}, name: ${target.name}}
  minReplicas: ${min}
  maxReplicas: ${max}
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 10
`;
