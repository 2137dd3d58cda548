package org.crosstenant.deploy.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads core objects with fabric8's model classes and refuses unknown fields. fabric8's models keep a field they do
 * not know in {@code additionalProperties} instead of failing, so after reading, the object graph is walked and every
 * non-empty {@code additionalProperties} is a violation naming the object and the field's path. A value of the wrong
 * type (a string where a number belongs) fails the read and is reported too.
 */
public final class StrictModel {

    /** The core kinds checked, by {@code apiVersion/kind}. */
    public static final Map<String, Class<?>> KINDS = Map.of(
            "apps/v1/Deployment", Deployment.class,
            "v1/Service", Service.class,
            "v1/Secret", Secret.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private StrictModel() {
    }

    /**
     * @param m the rendered objects
     * @return the violations: unknown fields, unreadable objects, and core objects of a kind/version not checked
     *         (custom resources, whose group is not {@code ""}, apps, policy, autoscaling or networking, are skipped)
     */
    public static List<String> check(Manifests m) {
        List<String> out = new ArrayList<>();
        for (ObjectNode o : m.objects()) {
            String apiVersion = o.path("apiVersion").asText();
            String key = apiVersion + "/" + o.path("kind").asText();
            Class<?> type = KINDS.get(key);
            if (type == null) {
                if (apiVersion.equals("v1") || apiVersion.matches("(apps|policy|autoscaling|networking\\.k8s\\.io)/.*")) {
                    out.add(Manifests.id(o) + " is of " + key + ", which this check does not know");
                }
                continue;
            }
            Object model;
            try {
                model = JSON.convertValue(o, type);
            } catch (IllegalArgumentException e) {
                out.add(Manifests.id(o) + " does not read as " + type.getSimpleName() + ": " + e.getMessage());
                continue;
            }
            walk(model, "", Manifests.id(o), out, new IdentityHashMap<>());
        }
        return out;
    }

    private static void walk(Object value, String path, String id, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> c) {
            int i = 0;
            for (Object v : c) {
                walk(v, path + "[" + i++ + "]", id, out, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, id, out, seen));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(id + " has unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "top level" : path.substring(1)));
                }
                continue;
            }
            String field = getter.getName().substring(3);
            walk(child, path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), id, out, seen);
        }
    }
}
