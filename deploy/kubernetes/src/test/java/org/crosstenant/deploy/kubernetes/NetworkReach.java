package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may reach whom under the rendered NetworkPolicies (Kubernetes semantics, networking.k8s.io/v1): a pod that no
 * policy of a type selects is open in that direction; otherwise a connection needs a rule of an egress policy of the
 * source AND of an ingress policy of the destination whose peers match the other side and whose ports cover the port.
 *
 * <p>Endpoints are the rendered Deployments' pods and the pods the operators make, with the labels those operators
 * give them: Strimzi brokers ({@code strimzi.io/cluster}, {@code strimzi.io/broker-role}), each CloudNativePG
 * cluster's instances ({@code cnpg.io/cluster}), the Keycloak Operator's pods ({@code app=keycloak}), the cluster DNS
 * in {@code kube-system}, and "outside" (a pod of another namespace; an address outside the cluster is matched by the same rules, an ipBlock). An
 * {@code ipBlock} is taken to match any endpoint, pods included (pod addresses may fall in it): conservative.
 */
public final class NetworkReach {

    /**
     * One endpoint.
     *
     * @param name      how violations name it
     * @param namespace its namespace ({@code null}: an address outside the cluster)
     * @param labels    its pod labels
     * @param ports     its port names → numbers (unnamed ports under their number)
     */
    public record Endpoint(String name, String namespace, Map<String, String> labels, Map<String, Integer> ports) {
    }

    private final String namespace;
    private final List<ObjectNode> policies;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

    /**
     * @param m         the rendered objects
     * @param namespace the release namespace (rendered objects carry none)
     */
    public NetworkReach(Manifests m, String namespace) {
        this.namespace = namespace;
        this.policies = m.ofKind("NetworkPolicy");
        for (ObjectNode d : m.ofKind("Deployment")) {
            JsonNode tpl = d.path("spec").path("template");
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (JsonNode c : tpl.path("spec").path("containers")) {
                for (JsonNode p : c.path("ports")) {
                    ports.put(p.path("name").asText(p.path("containerPort").asText()), p.path("containerPort").asInt());
                }
            }
            add(new Endpoint(d.path("metadata").path("name").asText(), namespace, labels(tpl.path("metadata").path("labels")), ports));
        }
        for (ObjectNode k : m.ofKind("Kafka")) {
            String cluster = k.path("metadata").path("name").asText();
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (JsonNode l : k.path("spec").path("kafka").path("listeners")) {
                ports.put(l.path("port").asText(), l.path("port").asInt());
            }
            add(new Endpoint("kafka " + cluster, namespace,
                    Map.of("strimzi.io/cluster", cluster, "strimzi.io/kind", "Kafka", "strimzi.io/broker-role", "true"), ports));
        }
        for (ObjectNode c : m.ofKind("Cluster")) {
            String cluster = c.path("metadata").path("name").asText();
            add(new Endpoint("database " + cluster, namespace,
                    Map.of("cnpg.io/cluster", cluster, "cnpg.io/podRole", "instance"), Map.of("postgresql", 5432, "status", 8000)));
        }
        for (ObjectNode k : m.ofKind("Keycloak")) {
            String name = k.path("metadata").path("name").asText();
            add(new Endpoint("keycloak " + name, namespace,
                    Map.of("app", "keycloak", "app.kubernetes.io/instance", name), Map.of("http", 8080)));
        }
        add(new Endpoint("dns", "kube-system", Map.of("k8s-app", "kube-dns"), Map.of("dns", 53)));
        add(new Endpoint("outside", "another-namespace", Map.of(), Map.of()));
    }

    private void add(Endpoint e) {
        endpoints.put(e.name(), e);
    }

    /** @return every endpoint, by name */
    public Map<String, Endpoint> endpoints() {
        return endpoints;
    }

    /**
     * @param from the source
     * @param to   the destination
     * @return the destination's ports (numbers) the source may open a connection to; for "outside" as destination,
     *         any port (0 stands for it) when an egress rule could reach an outside address
     */
    public Set<Integer> reachablePorts(Endpoint from, Endpoint to) {
        Set<Integer> ports = new LinkedHashSet<>(to.ports().values());
        if (to.namespace() == null) {
            ports = new LinkedHashSet<>(List.of(443, 0));
        }
        Set<Integer> out = new LinkedHashSet<>();
        for (int port : ports) {
            if (allowed(from, to, port, "Egress") && allowed(to, from, port, "Ingress")) {
                out.add(port);
            }
        }
        return out;
    }

    /**
     * @param from the source
     * @param to   the destination
     * @return whether the source may reach the destination on any of its ports
     */
    public boolean reaches(Endpoint from, Endpoint to) {
        return !reachablePorts(from, to).isEmpty();
    }

    private boolean allowed(Endpoint self, Endpoint peer, int port, String type) {
        if (!namespace.equals(self.namespace())) {
            return true; // only the release namespace's policies are rendered here
        }
        String rulesField = type.equals("Ingress") ? "ingress" : "egress";
        String peersField = type.equals("Ingress") ? "from" : "to";
        boolean selected = false;
        for (ObjectNode p : policies) {
            JsonNode spec = p.path("spec");
            if (!matches(spec.path("podSelector"), self.labels()) || !types(spec).contains(type)) {
                continue;
            }
            selected = true;
            for (JsonNode rule : spec.path(rulesField)) {
                Endpoint target = type.equals("Ingress") ? self : peer;
                if (portsMatch(rule.path("ports"), target, port) && peersMatch(rule.path(peersField), peer)) {
                    return true;
                }
            }
        }
        return !selected;
    }

    private static Set<String> types(JsonNode spec) {
        Set<String> types = new LinkedHashSet<>();
        if (spec.has("policyTypes")) {
            spec.path("policyTypes").forEach(t -> types.add(t.asText()));
        } else {
            types.add("Ingress");
            if (spec.has("egress")) {
                types.add("Egress");
            }
        }
        return types;
    }

    private static boolean portsMatch(JsonNode ports, Endpoint target, int port) {
        if (ports.isMissingNode() || ports.isNull() || ports.isEmpty()) {
            return true;
        }
        for (JsonNode p : ports) {
            JsonNode value = p.path("port");
            if (value.isMissingNode()) {
                return true;
            }
            int number = value.isInt() ? value.asInt() : target.ports().getOrDefault(value.asText(), -1);
            int end = p.path("endPort").asInt(number);
            if (port == 0 || (port >= number && port <= end)) {
                return true;
            }
        }
        return false;
    }

    private boolean peersMatch(JsonNode peers, Endpoint peer) {
        if (peers.isMissingNode() || peers.isNull() || peers.isEmpty()) {
            return true;
        }
        for (JsonNode p : peers) {
            if (p.has("ipBlock")) {
                return true;
            }
            boolean nsOk;
            if (p.has("namespaceSelector")) {
                nsOk = peer.namespace() != null
                        && matches(p.path("namespaceSelector"), Map.of("kubernetes.io/metadata.name", peer.namespace()));
            } else {
                nsOk = namespace.equals(peer.namespace());
            }
            boolean podOk = !p.has("podSelector") || matches(p.path("podSelector"), peer.labels());
            if (nsOk && podOk) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param selector a label selector (matchLabels and matchExpressions; empty selects all)
     * @param labels   the labels to test
     * @return whether the selector selects them
     */
    static boolean matches(JsonNode selector, Map<String, String> labels) {
        var it = selector.path("matchLabels").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (JsonNode x : selector.path("matchExpressions")) {
            String key = x.path("key").asText();
            List<String> values = new ArrayList<>();
            x.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (x.path("operator").asText()) {
                case "In" -> values.contains(labels.get(key));
                case "NotIn" -> !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /**
     * The suite's network invariants: no service reaches another service's database; only the gateway admits traffic
     * from outside the namespace (and it does); each service other than the gateway reaches only Kafka, its own
     * database, the DNS and (audit-service) the witnesses.
     *
     * @param release the release name (Deployments are {@code <release>-<service>}, databases
     *                {@code <release>-<db>-db})
     * @param ownDb   service → its database name
     * @return the violations, naming source and destination
     */
    public List<String> violations(String release, Map<String, String> ownDb) {
        List<String> out = new ArrayList<>();
        Endpoint outside = endpoints.get("outside");
        for (Endpoint e : endpoints.values()) {
            if (!namespace.equals(e.namespace()) || e == outside) {
                continue;
            }
            boolean gateway = e.name().equals(release + "-gateway");
            if (e.name().startsWith("database ") && reachablePorts(outside, e).contains(5432)) {
                out.add(e.name() + " admits PostgreSQL connections from outside the namespace");
            }
            if (e.name().startsWith(release + "-") && reaches(outside, e) != gateway) {
                out.add(gateway ? "the gateway " + e.name() + " is not reachable from outside the namespace"
                        : e.name() + " admits traffic from outside the namespace");
            }
        }
        ownDb.forEach((service, db) -> {
            Endpoint src = endpoints.get(release + "-" + service);
            if (src == null) {
                out.add("no Deployment " + release + "-" + service);
                return;
            }
            for (Endpoint dst : endpoints.values()) {
                if (dst == src || !reaches(src, dst)) {
                    continue;
                }
                String n = dst.name();
                boolean allowed = n.equals("database " + release + "-" + db + "-db") || n.startsWith("kafka ")
                        || n.equals("dns")
                        || (service.equals("audit-service") && n.startsWith(release + "-witness-"));
                if (n.startsWith("database ") && !allowed) {
                    out.add("NetworkPolicy lets " + src.name() + " reach another service's " + n);
                } else if (!allowed) {
                    out.add("NetworkPolicy lets " + src.name() + " reach " + n + " (ports " + reachablePorts(src, dst) + ")");
                }
            }
        });
        Endpoint gateway = endpoints.get(release + "-gateway");
        for (Endpoint dst : endpoints.values()) {
            if (gateway != null && dst.name().startsWith("database ") && reaches(gateway, dst)) {
                out.add("NetworkPolicy lets " + gateway.name() + " reach " + dst.name());
            }
        }
        return out;
    }
}
