{{- define "ergon.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ergon.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ergon.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ergon.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ergon.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "ergon.labels" -}}
helm.sh/chart: {{ include "ergon.chart" . }}
{{ include "ergon.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Service account of the server pod. */}}
{{- define "ergon.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ergon.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Namespace of the task Jobs. */}}
{{- define "ergon.tasksNamespace" -}}
{{- default .Release.Namespace .Values.tasks.namespace }}
{{- end }}

{{/* Service account of the task pods ("" = the namespace's default). */}}
{{- define "ergon.tasksServiceAccountName" -}}
{{- if .Values.tasks.serviceAccount.create }}
{{- default (printf "%s-tasks" (include "ergon.fullname" .) | trunc 63 | trimSuffix "-") .Values.tasks.serviceAccount.name }}
{{- else }}
{{- .Values.tasks.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ergon.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "ergon.filerImage" -}}
{{- $repo := default .Values.image.repository .Values.tasks.filerImage.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.tasks.filerImage.tag }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/*
The server's configuration as MicroProfile Config keys (a YAML map). The ConfigMap turns every
key into its environment variable name (non-alphanumerics to "_", upper case), which MicroProfile
Config maps back. Secrets are not here: they reach the container through secretKeyRef.
*/}}
{{- define "ergon.config" -}}
{{- $c := dict }}
{{- $_ := set $c "server.host" "0.0.0.0" }}
{{- $_ := set $c "server.port" (toString .Values.service.port) }}
{{- $_ := set $c "ergon.role" .Values.role }}
{{- $_ := set $c "ergon.data-dir" .Values.dataDir.path }}
{{- $_ := set $c "ergon.executor" "kubernetes" }}
{{- if .Values.database.url }}
{{- $_ := set $c "ergon.db.url" .Values.database.url }}
{{- end }}
{{- $_ := set $c "ergon.db.pool-size" (toString .Values.database.poolSize) }}
{{- $k := "ergon.executor.kubernetes." }}
{{- $_ := set $c (print $k "namespace") (include "ergon.tasksNamespace" .) }}
{{- $_ := set $c (print $k "filer-image") (include "ergon.filerImage" .) }}
{{- if .Values.tasks.filerCommand }}
{{- $_ := set $c (print $k "filer-command") (join "," .Values.tasks.filerCommand) }}
{{- end }}
{{- with .Values.tasks.filerEnvSecret }}{{ $_ := set $c (print $k "filer-env-secret") . }}{{ end }}
{{- with .Values.tasks.filerResources.cpu }}{{ $_ := set $c (print $k "filer-cpu") (toString .) }}{{ end }}
{{- with .Values.tasks.filerResources.memory }}{{ $_ := set $c (print $k "filer-memory") (toString .) }}{{ end }}
{{- with (include "ergon.tasksServiceAccountName" .) }}{{ $_ := set $c (print $k "service-account") . }}{{ end }}
{{- with .Values.tasks.defaultResources.cpu }}{{ $_ := set $c (print $k "default-cpu") (toString .) }}{{ end }}
{{- with .Values.tasks.defaultResources.memory }}{{ $_ := set $c (print $k "default-memory") (toString .) }}{{ end }}
{{- with .Values.tasks.activeDeadline }}{{ $_ := set $c (print $k "active-deadline") (toString .) }}{{ end }}
{{- with .Values.tasks.ttlAfterFinished }}{{ $_ := set $c (print $k "ttl-after-finished") (toString .) }}{{ end }}
{{- with .Values.tasks.terminationGracePeriod }}{{ $_ := set $c (print $k "termination-grace-period") (toString .) }}{{ end }}
{{- $_ := set $c (print $k "strategy") .Values.tasks.strategy }}
{{- if eq .Values.tasks.strategy "job-per-phase" }}
{{- /* job-per-phase always uses one PVC per task */}}
{{- $_ := set $c (print $k "storage") "pvc" }}
{{- $_ := set $c (print $k "phase-events") (toString .Values.tasks.phaseEvents) }}
{{- if and .Values.tasks.phaseEvents (eq .Values.events.type "redis") }}
{{- if .Values.events.redis.existingSecret }}
{{- $_ := set $c (print $k "phase-events.redis-url-secret") (print .Values.events.redis.existingSecret "/" .Values.events.redis.urlKey) }}
{{- else }}
{{- $_ := set $c (print $k "phase-events.redis-url") .Values.events.redis.url }}
{{- end }}
{{- $_ := set $c (print $k "phase-events.redis-channel") .Values.events.redis.channel }}
{{- end }}
{{- else }}
{{- $_ := set $c (print $k "storage") .Values.tasks.storage.type }}
{{- end }}
{{- with .Values.tasks.storage.storageClass }}{{ $_ := set $c (print $k "storage-class") . }}{{ end }}
{{- with .Values.tasks.storage.defaultSize }}{{ $_ := set $c (print $k "default-disk") (toString .) }}{{ end }}
{{- with .Values.tasks.kueue.queueName }}{{ $_ := set $c (print $k "kueue.queue-name") . }}{{ end }}
{{- with .Values.tasks.kueue.priorityClass }}{{ $_ := set $c (print $k "kueue.priority-class") . }}{{ end }}
{{- $_ := set $c (print $k "watch") (toString .Values.tasks.watch) }}
{{- with .Values.tasks.pollInterval }}{{ $_ := set $c (print $k "poll-interval") (toString .) }}{{ end }}
{{- $_ := set $c (print $k "log-streams") .Values.tasks.logStreams }}
{{- $_ := set $c "ergon.events" .Values.events.type }}
{{- if eq .Values.events.type "redis" }}
{{- if not .Values.events.redis.existingSecret }}
{{- $_ := set $c "ergon.events.redis.url" .Values.events.redis.url }}
{{- end }}
{{- $_ := set $c "ergon.events.redis.channel" .Values.events.redis.channel }}
{{- end }}
{{- with .Values.objectStore.endpoint }}{{ $_ := set $c "ergon.filer.jclouds.s3.endpoint" . }}{{ end }}
{{- with .Values.objectStore.region }}{{ $_ := set $c "ergon.filer.jclouds.s3.region" . }}{{ end }}
{{- range $key, $value := .Values.config }}
{{- $_ := set $c $key (toString $value) }}
{{- end }}
{{- toYaml $c }}
{{- end }}

{{/* Checks that fail the render with a clear message. */}}
{{- define "ergon.validate" -}}
{{- if and .Values.database.url (not .Values.database.existingSecret) }}
{{- fail "database.existingSecret is required with database.url (a Secret with the user name and password; never inline them)" }}
{{- end }}
{{- if and .Values.tasks.kueue.priorityClass (not .Values.tasks.kueue.queueName) }}
{{- fail "tasks.kueue.priorityClass needs tasks.kueue.queueName" }}
{{- end }}
{{- if and (eq .Values.events.type "redis") (not .Values.events.redis.existingSecret) (not .Values.events.redis.url) }}
{{- fail "events.type=redis needs events.redis.existingSecret (a Secret with the Redis URL) or events.redis.url (without a password)" }}
{{- end }}
{{- if and .Values.objectStore.endpoint (not .Values.objectStore.existingSecret) }}
{{- fail "objectStore.existingSecret is required with objectStore.endpoint" }}
{{- end }}
{{- end }}
