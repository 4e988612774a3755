{{/* The chart's name: pb-synth-tradecapture unless nameOverride says otherwise. */}}
{{- define "tc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The objects' name: <name>-<region> (pb-synth-tradecapture-us), as every release so far has named
them, or fullnameOverride. Never derived from the release name: a region's objects, consumer group
and topics keep their names whatever the release is called.
*/}}
{{- define "tc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" (include "tc.name" .) .Values.region | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tc.labels" -}}
helm.sh/chart: {{ include "tc.chart" . }}
{{ include "tc.selector" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: pb-synth
pb-synth/region: {{ .Values.region }}
{{- end -}}

{{/* Selector labels: immutable on a Deployment, so unchanged since the first release. */}}
{{- define "tc.selector" -}}
app.kubernetes.io/name: {{ include "tc.name" . }}
app.kubernetes.io/instance: {{ include "tc.fullname" . }}
{{- end -}}

{{- define "tc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image: repository@digest when a digest is set (what runs is then exactly what was signed), else repository:tag. */}}
{{- define "tc.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
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

{{/* Kafka's SASL mechanism in KEDA's words. */}}
{{- define "tc.kedaSasl" -}}
{{- $m := upper .Values.kafka.saslMechanism -}}
{{- if eq $m "PLAIN" -}}plaintext
{{- else if eq $m "SCRAM-SHA-256" -}}scram_sha256
{{- else if eq $m "SCRAM-SHA-512" -}}scram_sha512
{{- else -}}{{ fail (printf "kafka.saslMechanism %q: KEDA's Kafka scaler reads the lag with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 only (or set autoscaling.keda.enabled=false for the CPU autoscaler)" .Values.kafka.saslMechanism) }}
{{- end -}}
{{- end -}}

{{/* Up fast, down slowly: a peak is met within a minute, a lull does not shed pods at once. */}}
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

{{/*
The rules: those every region shares (files/rules.yml, unless prometheusRule.sharedRules is off),
each alert given its runbook_url, then this region's own group, which names the region: its alert
fires when no instance of it answers a scrape (or none is scraped at all: the other alerts read the
service's own series and go quiet then).
*/}}
{{- define "tc.rules" -}}
{{- $base := trimSuffix "/" .Values.prometheusRule.runbookBaseUrl -}}
{{- $groups := list -}}
{{- if .Values.prometheusRule.sharedRules -}}
{{- range (.Files.Get "files/rules.yml" | fromYaml).groups -}}
{{- $rules := list -}}
{{- range .rules -}}
{{- if .alert -}}
{{- $annotations := merge (dict "runbook_url" (printf "%s/%s.md" $base .alert)) (default (dict) .annotations) -}}
{{- $rules = append $rules (merge (dict "annotations" $annotations) (omit . "annotations")) -}}
{{- else -}}
{{- $rules = append $rules . -}}
{{- end -}}
{{- end -}}
{{- $groups = append $groups (merge (dict "rules" $rules) (omit . "rules")) -}}
{{- end -}}
{{- end -}}
{{- $region := .Values.region -}}
{{- $absent := dict
  "alert" "TradeCaptureRegionAbsent"
  "expr" (printf "absent(up{app=\"pb-synth-tradecapture\",region=\"%s\"} == 1)" $region)
  "for" "2m"
  "labels" (dict "severity" "critical" "region" $region)
  "annotations" (dict
    "summary" (printf "%s: no trade capture instance answers" $region)
    "description" (printf "No instance of trade capture in %s has answered a scrape for 2 minutes (or none is scraped): nothing captures, and the alerts that read the service's own series are silent." $region)
    "runbook_url" (printf "%s/TradeCaptureRegionAbsent.md" $base)) -}}
{{- $groups = append $groups (dict "name" (printf "pb-synth-tradecapture.region-%s" $region) "rules" (list $absent)) -}}
groups:
  {{- toYaml $groups | nindent 2 }}
{{- end -}}
