{{- define "tc.name" -}}pb-synth-tradecapture-{{ .Values.region }}{{- end -}}

{{- define "tc.labels" -}}
app.kubernetes.io/name: pb-synth-tradecapture
app.kubernetes.io/instance: {{ include "tc.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
pb-synth/region: {{ .Values.region }}
{{- end -}}

{{- define "tc.selector" -}}
app.kubernetes.io/name: pb-synth-tradecapture
app.kubernetes.io/instance: {{ include "tc.name" . }}
{{- end -}}

{{/* A topic's name: the same in every region with a cluster per region, <topic>.<region> on a shared one. */}}
{{- define "tc.topic" -}}
{{- if .root.Values.kafka.perRegionTopics -}}{{ .topic }}.{{ .root.Values.region }}{{- else -}}{{ .topic }}{{- end -}}
{{- end -}}

{{- define "tc.group" -}}pb-synth-tradecapture-svc-{{ .Values.region }}{{- end -}}

{{/* Replicas never exceed the partitions each pod's consumers can take. */}}
{{- define "tc.maxReplicas" -}}
{{- $cap := div (int .Values.kafka.partitions) (int .Values.kafka.consumersPerPod) | int -}}
{{- min (int .Values.replicas.max) $cap -}}
{{- end -}}

{{/* The source document's scaling behaviour: up fast, down slowly. */}}
{{- define "tc.behavior" -}}
scaleDown:
  stabilizationWindowSeconds: {{ .Values.autoscaling.scaleDownStabilizationSeconds }}
  policies:
    - {type: Percent, value: 50, periodSeconds: 60}
scaleUp:
  stabilizationWindowSeconds: 0
  policies:
    - {type: Percent, value: 100, periodSeconds: 60}
    - {type: Pods, value: 2, periodSeconds: 60}
  selectPolicy: Max
{{- end -}}
