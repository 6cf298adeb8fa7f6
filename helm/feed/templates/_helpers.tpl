{{/* Names ------------------------------------------------------------------------------------- */}}

{{- define "feed.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "feed.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>", e.g. feed-feed-service. Argument: dict root, component. */}}
{{- define "feed.componentName" -}}
{{- printf "%s-%s" (include "feed.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "feed.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "feed.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels ------------------------------------------------------------------------------------ */}}

{{- define "feed.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "feed.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: feed
{{- end -}}

{{/* Argument: dict root, component. */}}
{{- define "feed.componentLabels" -}}
{{ include "feed.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "feed.selectorLabels" -}}
app.kubernetes.io/name: {{ include "feed.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Image: <registry>/<repository>:<tag>. Argument: dict root, svc. */}}
{{- define "feed.image" -}}
{{- $tag := .svc.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .svc.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .svc.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Connection values ---------------------------------------------------------------------------- */}}

{{- define "feed.relationUrl" -}}
{{- printf "http://%s:%d" (include "feed.componentName" (dict "root" . "component" "relation-service")) (int .Values.relationService.managementPort) -}}
{{- end -}}

{{- define "feed.redisUrl" -}}
{{- if eq .Values.redis.mode "cluster" -}}
{{- join "," .Values.redis.nodes -}}
{{- else -}}
{{- .Values.redis.url -}}
{{- end -}}
{{- end -}}

{{- define "feed.jwtKeyPath" -}}
/etc/feed/jwt/{{ .Values.jwt.publicKey.key }}
{{- end -}}

{{/* Env blocks shared by services ------------------------------------------------------------------ */}}

{{- define "feed.env.common" -}}
- name: FEED_LOG_JSON
  value: {{ .Values.logJson | quote }}
- name: FEED_OTEL_ENABLED
  value: {{ .Values.tracing.enabled | quote }}
{{- if .Values.tracing.enabled }}
- name: FEED_OTEL_ENDPOINT
  value: {{ .Values.tracing.endpoint | quote }}
- name: FEED_OTEL_SAMPLE_RATIO
  value: {{ .Values.tracing.sampleRatio | quote }}
{{- end }}
- name: FEED_KAFKA_BOOTSTRAP
  value: {{ .Values.kafka.bootstrap | quote }}
{{- end -}}

{{- define "feed.env.redis" -}}
- name: FEED_REDIS_TYPE
  value: {{ .Values.redis.mode | quote }}
{{- if .Values.redis.existingSecret }}
- name: FEED_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.urlKey }}
{{- else }}
- name: FEED_REDIS_URL
  value: {{ include "feed.redisUrl" . | quote }}
{{- end }}
{{- end -}}

{{- define "feed.env.internalToken" -}}
- name: FEED_INTERNAL_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ .Values.internalToken.existingSecret }}
      key: {{ .Values.internalToken.key }}
{{- end -}}

{{- define "feed.env.jwt" -}}
- name: FEED_JWT_PUBLIC_KEY
  value: {{ include "feed.jwtKeyPath" . | quote }}
- name: FEED_JWT_ISSUER
  value: {{ .Values.jwt.issuer | quote }}
{{- end -}}

{{- define "feed.env.inbox" -}}
- name: FEED_INBOX_MAX_ENTRIES
  value: {{ .Values.inbox.maxEntries | quote }}
- name: FEED_INBOX_TTL
  value: {{ .Values.inbox.ttl | quote }}
{{- end -}}

{{/* Volumes ---------------------------------------------------------------------------------------- */}}

{{- define "feed.jwtVolume" -}}
- name: jwt-public-key
{{- if .Values.jwt.publicKey.existingSecret }}
  secret:
    secretName: {{ .Values.jwt.publicKey.existingSecret }}
    items:
      - key: {{ .Values.jwt.publicKey.key }}
        path: {{ .Values.jwt.publicKey.key }}
{{- else if .Values.jwt.publicKey.existingConfigMap }}
  configMap:
    name: {{ .Values.jwt.publicKey.existingConfigMap }}
    items:
      - key: {{ .Values.jwt.publicKey.key }}
        path: {{ .Values.jwt.publicKey.key }}
{{- else }}
  configMap:
    name: {{ include "feed.fullname" . }}-jwt-public-key
{{- end }}
{{- end -}}

{{/* Pod template ------------------------------------------------------------------------------------
     Argument: dict root, component, svc (the service's values), env (rendered YAML list),
     jwt (bool: mount the JWT public key). */}}
{{- define "feed.podTemplate" -}}
{{- $root := .root -}}
{{- $sel := dict "root" $root "component" .component -}}
metadata:
  labels:
    {{- include "feed.componentLabels" $sel | nindent 4 }}
  {{- $ann := dict }}
  {{- if $root.Values.metrics.podAnnotations }}
  {{- $ann = dict "prometheus.io/scrape" "true" "prometheus.io/path" "/q/metrics" "prometheus.io/port" (toString .svc.managementPort) }}
  {{- end }}
  {{- $ann = merge (deepCopy (.svc.podAnnotations | default dict)) $ann }}
  {{- with $ann }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  serviceAccountName: {{ include "feed.serviceAccountName" $root }}
  automountServiceAccountToken: false
  {{- with $root.Values.image.pullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  terminationGracePeriodSeconds: 30
  containers:
    - name: {{ .component }}
      image: {{ include "feed.image" (dict "root" $root "svc" .svc) | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      ports:
        - name: http
          containerPort: {{ .svc.port }}
          protocol: TCP
        # health, metrics, /internal, /admin: the Quarkus management interface, not the API port
        - name: management
          containerPort: {{ .svc.managementPort }}
          protocol: TCP
      env:
        - name: QUARKUS_HTTP_PORT
          value: {{ .svc.port | quote }}
        - name: QUARKUS_MANAGEMENT_PORT
          value: {{ .svc.managementPort | quote }}
        {{- .env | nindent 8 }}
        {{- with .svc.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        httpGet: {path: /q/health/started, port: management}
        periodSeconds: {{ .svc.startupProbe.periodSeconds }}
        failureThreshold: {{ .svc.startupProbe.failureThreshold }}
        timeoutSeconds: 3
      readinessProbe:
        httpGet: {path: /q/health/ready, port: management}
        periodSeconds: 10
        failureThreshold: 3
        timeoutSeconds: 3
      livenessProbe:
        httpGet: {path: /q/health/live, port: management}
        periodSeconds: 10
        failureThreshold: 3
        timeoutSeconds: 3
      resources:
        {{- toYaml .svc.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.containerSecurityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if .jwt }}
        - name: jwt-public-key
          mountPath: /etc/feed/jwt
          readOnly: true
        {{- end }}
  volumes:
    - name: tmp
      emptyDir: {}
    {{- if .jwt }}
    {{- include "feed.jwtVolume" $root | nindent 4 }}
    {{- end }}
  {{- with .svc.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .svc.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .svc.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .svc.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml .svc.topologySpreadConstraints | nindent 4 }}
  {{- else if $root.Values.defaultTopologySpread }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "feed.selectorLabels" $sel | nindent 10 }}
  {{- end }}
{{- end -}}

{{/* Checks the schema cannot express. */}}
{{- define "feed.validate" -}}
{{- if gt (int64 .Values.tiers.pushBelow) (int64 .Values.tiers.pullAt) -}}
{{- fail "tiers.pushBelow must be <= tiers.pullAt (hysteresis)" -}}
{{- end -}}
{{- range $key := list "feedService" "relationService" "fanoutWorker" -}}
{{- $svc := index $.Values $key -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- fail (printf "%s.autoscaling.minReplicas must be <= maxReplicas" $key) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.tracing.enabled (not .Values.tracing.endpoint) -}}
{{- fail "tracing.endpoint is required when tracing.enabled (the OTLP collector, e.g. http://otel-collector:4317)" -}}
{{- end -}}
{{- $jwt := .Values.jwt.publicKey -}}
{{- $sources := 0 -}}
{{- if $jwt.existingSecret }}{{ $sources = add1 $sources }}{{ end -}}
{{- if $jwt.existingConfigMap }}{{ $sources = add1 $sources }}{{ end -}}
{{- if $jwt.pem }}{{ $sources = add1 $sources }}{{ end -}}
{{- if ne (int $sources) 1 -}}
{{- fail "jwt.publicKey: set exactly one of existingSecret, existingConfigMap, pem" -}}
{{- end -}}
{{- end -}}
