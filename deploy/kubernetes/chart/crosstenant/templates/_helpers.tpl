{{/* Labels every object of the release carries. */}}
{{- define "crosstenant.labels" -}}
app.kubernetes.io/part-of: crosstenant
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* Selector labels of one workload: (dict "root" $ "name" "gateway") */}}
{{- define "crosstenant.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Name of the Strimzi Kafka cluster. */}}
{{- define "crosstenant.kafkaName" -}}{{ .Release.Name }}{{- end -}}

{{/* Kafka bootstrap address of the internal SCRAM listener (TLS unless kafka.tls is false). */}}
{{- define "crosstenant.kafkaBootstrap" -}}
{{ include "crosstenant.kafkaName" . }}-kafka-bootstrap:{{ .Values.kafka.listenerPort }}
{{- end -}}

{{/* CloudNativePG cluster name of a database: (dict "root" $ "db" "invitation") */}}
{{- define "crosstenant.dbCluster" -}}{{ .root.Release.Name }}-{{ .db }}-db{{- end -}}

{{/* Container security context shared by every container. */}}
{{- define "crosstenant.containerSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsUser }}
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Kafka client settings of a service: (dict "root" $ "name" "gateway") */}}
{{- define "crosstenant.kafkaEnv" -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "crosstenant.kafkaBootstrap" .root | quote }}
{{- if .root.Values.kafka.tls }}
- name: KAFKA_SECURITY_PROTOCOL
  value: SASL_SSL
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: PEM
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: /etc/crosstenant/kafka-ca/ca.crt
{{- else }}
- name: KAFKA_SECURITY_PROTOCOL
  value: SASL_PLAINTEXT
{{- end }}
- name: KAFKA_SASL_MECHANISM
  value: SCRAM-SHA-512
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .root.Release.Name }}-{{ .name }}
      key: sasl.jaas.config
- name: CROSSTENANT_TOPICS_PROVISIONING_ENABLED
  value: "false"
{{- end -}}

{{/* Database settings of a service: (dict "root" $ "db" "invitation") */}}
{{- define "crosstenant.dbEnv" -}}
{{- $cluster := include "crosstenant.dbCluster" . -}}
- name: QUARKUS_DATASOURCE_REACTIVE_URL
  value: "postgresql://{{ $cluster }}-rw:5432/{{ .db }}"
- name: QUARKUS_DATASOURCE_JDBC_URL
  value: "jdbc:postgresql://{{ $cluster }}-rw:5432/{{ .db }}"
- name: QUARKUS_DATASOURCE_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $cluster }}-app
      key: username
- name: QUARKUS_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $cluster }}-app
      key: password
{{- end -}}

{{/* The gateway's public key (or JWK set, gatewayKey.servicesVerifyWith) for a service's token check (a file:
     services do not call the gateway). */}}
{{- define "crosstenant.jwtEnv" -}}
- name: MP_JWT_VERIFY_PUBLICKEY_LOCATION
  value: /etc/crosstenant/gateway-key/{{ include "crosstenant.servicesVerifyWith" . }}
{{- end -}}

{{/* gatewayKey.servicesVerifyWith, refused when it would mount the gateway's private key into every service. */}}
{{- define "crosstenant.servicesVerifyWith" -}}
{{- $file := required "gatewayKey.servicesVerifyWith (public.pem or a JWK set such as jwks.json) is required" .Values.gatewayKey.servicesVerifyWith -}}
{{- if eq $file "private.pem" -}}
{{- fail "gatewayKey.servicesVerifyWith is private.pem: the services verify with a public key (public.pem) or a JWK set (jwks.json), never the gateway's private key" -}}
{{- end -}}
{{- $file -}}
{{- end -}}
