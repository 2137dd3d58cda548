package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The invariants of issue #10 item 3 on rendered objects. Each check returns its violations as sentences naming the
 * object ({@code Kind/name}) and what is wrong; an empty list means the invariant holds.
 */
public final class Invariants {

    /** The suite's services, as named in docs/topics.md and as the chart names containers and KafkaUsers. */
    public static final List<String> SERVICES = List.of("gateway", "invitation-service", "policy-service", "audit-service");

    /** Environment variables read by the JVM itself rather than by a service (not in any config table). */
    public static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS");

    private static final Pattern SERVICE_NAME = Pattern.compile("gateway|invitation-service|policy-service|audit-service");

    private Invariants() {
    }

    /**
     * Every container of every Deployment/StatefulSet has a liveness and a readiness probe, CPU and memory requests
     * and limits, runs as non-root (container or pod level) with a read-only root filesystem, no privilege escalation
     * and all capabilities dropped.
     *
     * @param m the rendered objects
     * @return the violations
     */
    public static List<String> containers(Manifests m) {
        List<String> out = new ArrayList<>();
        List<ObjectNode> workloads = new ArrayList<>(m.ofKind("Deployment"));
        workloads.addAll(m.ofKind("StatefulSet"));
        for (ObjectNode w : workloads) {
            JsonNode pod = w.path("spec").path("template").path("spec");
            boolean podNonRoot = pod.path("securityContext").path("runAsNonRoot").asBoolean(false);
            for (JsonNode c : pod.path("containers")) {
                String where = Manifests.id(w) + " container " + c.path("name").asText();
                for (String probe : List.of("livenessProbe", "readinessProbe")) {
                    if (!c.has(probe)) {
                        out.add(where + " has no " + probe);
                    }
                }
                for (String side : List.of("requests", "limits")) {
                    for (String res : List.of("cpu", "memory")) {
                        if (c.path("resources").path(side).path(res).asText("").isEmpty()) {
                            out.add(where + " has no " + side + "." + res);
                        }
                    }
                }
                JsonNode sc = c.path("securityContext");
                if (!sc.path("runAsNonRoot").asBoolean(podNonRoot)) {
                    out.add(where + " may run as root (runAsNonRoot not true)");
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    out.add(where + " has a writable root filesystem");
                }
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    out.add(where + " allows privilege escalation");
                }
                boolean dropsAll = false;
                for (JsonNode cap : sc.path("capabilities").path("drop")) {
                    dropsAll |= "ALL".equals(cap.asText());
                }
                if (!dropsAll) {
                    out.add(where + " does not drop ALL capabilities");
                }
            }
        }
        return out;
    }

    /**
     * The topics docs/topics.md declares: every topic of its event table, and for each consumer it names there the
     * dead-letter topic {@code <topic>.dlq.<consumer>}, plus the dead-letter topics the "Topic settings" table names
     * explicitly (policy-service's projection channel).
     *
     * @param topicsDoc docs/topics.md
     * @return topic name → partitions (from "Topic settings": the row's own, or the dead-letter row's), in doc order
     * @throws IOException when the document cannot be read
     */
    public static Map<String, Integer> documentedTopics(Path topicsDoc) throws IOException {
        Map<String, Integer> topics = new LinkedHashMap<>();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        int dlqPartitions = -1;
        for (DocTables.Table t : DocTables.read(topicsDoc)) {
            if (t.header().size() >= 4 && t.header().get(0).equals("topic") && t.header().get(3).equals("consumers")) {
                for (List<String> row : t.rows()) {
                    String topic = DocTables.codeSpans(row.get(0)).get(0);
                    topics.put(topic, null);
                    var consumers = SERVICE_NAME.matcher(row.get(3));
                    while (consumers.find()) {
                        topics.put(topic + ".dlq." + consumers.group(), null);
                    }
                }
            }
            if (t.header().size() >= 2 && t.header().get(0).equals("topic") && t.header().get(1).equals("partitions")) {
                for (List<String> row : t.rows()) {
                    var n = Pattern.compile("^(\\d+)").matcher(row.get(1));
                    int p = n.find() ? Integer.parseInt(n.group(1)) : -1;
                    for (String span : DocTables.codeSpans(row.get(0))) {
                        if (span.contains("<")) {
                            dlqPartitions = p;
                        } else {
                            partitions.put(span, p);
                        }
                    }
                    for (String span : DocTables.codeSpans(row.get(0) + " " + String.join(" ", row))) {
                        if (span.matches("[a-z.]+\\.dlq\\.[a-z-]+")) {
                            topics.put(span, null);
                        }
                    }
                }
            }
        }
        for (var e : topics.entrySet()) {
            e.setValue(partitions.getOrDefault(e.getKey(), e.getKey().contains(".dlq.") ? dlqPartitions : -1));
        }
        return topics;
    }

    /**
     * Every documented topic has a {@code KafkaTopic} (by {@code spec.topicName}, else the object's name) with the
     * documented partition count.
     *
     * @param documented {@link #documentedTopics(Path)}
     * @param m          the rendered objects
     * @return the violations
     */
    public static List<String> topics(Map<String, Integer> documented, Manifests m) {
        Map<String, JsonNode> rendered = new LinkedHashMap<>();
        for (ObjectNode t : m.ofKind("KafkaTopic")) {
            rendered.put(t.path("spec").path("topicName").asText(t.path("metadata").path("name").asText()), t);
        }
        List<String> out = new ArrayList<>();
        documented.forEach((topic, partitions) -> {
            JsonNode t = rendered.get(topic);
            if (t == null) {
                out.add("topic " + topic + " (docs/topics.md) has no KafkaTopic");
            } else if (partitions > 0 && t.path("spec").path("partitions").asInt() != partitions) {
                out.add(Manifests.id(t) + " has " + t.path("spec").path("partitions").asInt()
                        + " partitions, docs/topics.md says " + partitions);
            }
        });
        return out;
    }

    /**
     * The env var names a service's config document lists (first column of every table headed {@code env var}),
     * as patterns: {@code <TENANT>} stands for any upper-case name.
     *
     * @param configDoc docs/config/&lt;service&gt;.md
     * @return the patterns
     * @throws IOException when the document cannot be read
     */
    public static List<Pattern> documentedEnv(Path configDoc) throws IOException {
        List<Pattern> names = new ArrayList<>();
        for (DocTables.Table t : DocTables.read(configDoc)) {
            if (!t.header().isEmpty() && t.header().get(0).equals("env var")) {
                for (List<String> row : t.rows()) {
                    for (String span : DocTables.codeSpans(row.get(0))) {
                        if (span.matches("[A-Z][A-Z0-9_<>]*")) {
                            names.add(Pattern.compile(span.replaceAll("<[A-Z]+>", "[A-Z0-9_]+")));
                        }
                    }
                }
            }
        }
        return names;
    }

    /**
     * Every env var a container sets is one its service documents (docs/config/&lt;container name&gt;.md; a container
     * named {@code witness} reads witness.md), or read by the JVM itself ({@link #JVM_ENV}).
     *
     * @param configDir docs/config
     * @param m         the rendered objects
     * @return the violations
     * @throws IOException when a document cannot be read
     */
    public static List<String> environment(Path configDir, Manifests m) throws IOException {
        List<String> out = new ArrayList<>();
        for (ObjectNode d : m.ofKind("Deployment")) {
            for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                String container = c.path("name").asText();
                Path doc = configDir.resolve(container + ".md");
                if (!Files.isRegularFile(doc)) {
                    out.add(Manifests.id(d) + " container " + container + " has no config document " + doc);
                    continue;
                }
                List<Pattern> documented = documentedEnv(doc);
                for (JsonNode e : c.path("env")) {
                    String name = e.path("name").asText();
                    if (!JVM_ENV.contains(name) && documented.stream().noneMatch(p -> p.matcher(name).matches())) {
                        out.add(Manifests.id(d) + " container " + container + " sets " + name
                                + ", which docs/config/" + container + ".md does not document");
                    }
                }
            }
        }
        return out;
    }

    /**
     * Each service's {@code KafkaUser} ({@code <release>-<service>}) exists, reads only topics docs/topics.md names
     * it a consumer of, writes only topics it produces or its own dead-letter topics
     * ({@code <topic>.dlq.<service>[-…]}), and names topics literally (no prefix or wildcard).
     *
     * @param topicsDoc docs/topics.md
     * @param release   the release name
     * @param m         the rendered objects
     * @return the violations
     * @throws IOException when the document cannot be read
     */
    public static List<String> kafkaAcls(Path topicsDoc, String release, Manifests m) throws IOException {
        Map<String, Set<String>> produces = new LinkedHashMap<>();
        Map<String, Set<String>> consumes = new LinkedHashMap<>();
        for (DocTables.Table t : DocTables.read(topicsDoc)) {
            if (t.header().size() >= 4 && t.header().get(0).equals("topic") && t.header().get(3).equals("consumers")) {
                for (List<String> row : t.rows()) {
                    String topic = DocTables.codeSpans(row.get(0)).get(0);
                    var p = SERVICE_NAME.matcher(row.get(2));
                    while (p.find()) {
                        produces.computeIfAbsent(p.group(), k -> new LinkedHashSet<>()).add(topic);
                    }
                    var c = SERVICE_NAME.matcher(row.get(3));
                    while (c.find()) {
                        consumes.computeIfAbsent(c.group(), k -> new LinkedHashSet<>()).add(topic);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String service : SERVICES) {
            String name = release + "-" + service;
            var user = m.ofKind("KafkaUser").stream()
                    .filter(u -> name.equals(u.path("metadata").path("name").asText())).findFirst();
            if (user.isEmpty()) {
                out.add("KafkaUser/" + name + " is missing: " + service + " cannot authenticate");
                continue;
            }
            for (JsonNode acl : user.get().path("spec").path("authorization").path("acls")) {
                JsonNode r = acl.path("resource");
                if (!"topic".equals(r.path("type").asText())) {
                    continue;
                }
                String topic = r.path("name").asText();
                String where = "KafkaUser/" + name + " ACL on topic " + topic;
                if (!"literal".equals(r.path("patternType").asText("literal")) || topic.contains("*")) {
                    out.add(where + " is not literal");
                    continue;
                }
                for (JsonNode op : acl.path("operations")) {
                    String o = op.asText();
                    boolean ownDlq = topic.matches(".*\\.dlq\\." + Pattern.quote(service) + "(-[a-z-]+)?");
                    boolean ok = switch (o) {
                        case "Read" -> consumes.getOrDefault(service, Set.of()).contains(topic);
                        case "Write" -> produces.getOrDefault(service, Set.of()).contains(topic) || ownDlq;
                        case "Describe", "DescribeConfigs" -> true;
                        default -> false;
                    };
                    if (!ok) {
                        out.add(where + " grants " + o + ", but docs/topics.md does not make " + service
                                + (o.equals("Read") ? " a consumer of it" : " its producer"));
                    }
                }
            }
        }
        return out;
    }
}
