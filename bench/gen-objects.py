#!/usr/bin/env python3
"""Writes N Kubernetes documents (default 20,000) to one multi-document YAML file: a mix of
hardened and violating Deployments, Pods, CronJobs and Services, as Helm or kustomize output of
a large estate would look."""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
out = sys.argv[2] if len(sys.argv) > 2 else "bench/out/objects.yaml"

POD = """    spec:
      securityContext:
        runAsNonRoot: {nonroot}
        seccompProfile: {{type: RuntimeDefault}}
      containers:
        - name: app
          image: registry.example.com/team-{team}/svc-{i}:1.{m}.0
          ports: [{{containerPort: 8080, name: http}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          readinessProbe: {{httpGet: {{path: /healthz, port: http}}}}
          livenessProbe: {{httpGet: {{path: /healthz, port: http}}}}
          securityContext:
            allowPrivilegeEscalation: {ape}
            privileged: {priv}
            capabilities: {{drop: [ALL]}}
        - name: proxy
          image: registry.example.com/mesh/proxy:2.{m}.1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {{drop: [ALL]}}
      volumes:
        - {{name: tmp, emptyDir: {{}}}}
"""

with open(out, "w") as f:
    for i in range(n):
        team = i % 37
        m = i % 10
        bad = i % 5 == 0
        labels = (f"{{app.kubernetes.io/name: svc-{i}, app.kubernetes.io/instance: svc-{i}-prod, "
                  f"app.kubernetes.io/part-of: team-{team}, pave.dev/team: team-{team}, "
                  f"pave.dev/environment: prod}}")
        pod = POD.format(team=team, i=i, m=m, nonroot="false" if bad else "true",
                         ape="true" if bad else "false", priv="true" if bad else "false")
        kind = i % 4
        f.write("---\n")
        if kind == 3:
            f.write(f"apiVersion: v1\nkind: Service\nmetadata: {{name: svc-{i}, namespace: team-{team}, labels: {labels}}}\n"
                    f"spec: {{selector: {{app.kubernetes.io/name: svc-{i}}}, ports: [{{port: 80, targetPort: http}}]}}\n")
        elif kind == 2:
            f.write(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: svc-{i}, namespace: team-{team}, labels: {labels}}}\n")
            f.write("\n".join(l[4:] for l in pod.split("\n")))
        else:
            f.write(f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: svc-{i}, namespace: team-{team}, labels: {labels}}}\n"
                    f"spec:\n  replicas: 3\n  selector: {{matchLabels: {{app.kubernetes.io/name: svc-{i}}}}}\n"
                    f"  template:\n    metadata: {{labels: {labels}}}\n")
            f.write(pod)
sys.stderr.write(f"wrote {n} documents to {out}\n")
