// `help`: the command list and the flags they share.
export const HELP = `k8ts controls a k8ts (Kubernetes-compatible) cluster.

Basic commands:
  get <type>[,<type>] [name...]   Display one or many resources (-l, -A, -o wide|yaml|json|name, -w, --show-labels)
  describe <type> [name...]       Show details of a resource and its events
  apply -f <file|dir|->           Create or update resources from manifests (client-side apply)
  delete <type> <name...>         Delete resources by name, by -l selector, or -f manifests (--wait=false, --cascade)
  scale <type>/<name> --replicas=N  Set a new size for a Deployment or ReplicaSet
  explain-schedule <pod>          Why the scheduler puts a pod where it does: every node's filter verdicts and scores
                                  (--config <KubeSchedulerConfiguration file>, -o json)
  token create [--ttl 24h]        Create a bootstrap token for joining a node (--bootstrap-kubeconfig FILE writes its kubeconfig)
  version                         Print the client and server versions (--client: only the client)
  deploy -i <inventory.yaml>      Install the cluster on machines over SSH (--uninstall removes it; deploy --help)
  help                            Show this help

Global flags:
  --kubeconfig <file>   kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)
  --context <name>      kubeconfig context to use
  -n, --namespace <ns>  namespace (default: the context's namespace, else "default")
  -A, --all-namespaces  list across all namespaces
`;
