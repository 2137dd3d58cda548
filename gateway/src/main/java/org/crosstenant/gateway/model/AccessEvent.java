package org.crosstenant.gateway.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code gateway.access} event as the gateway publishes it (payload schema: docs/topics.md and the examples in
 * {@code src/main/resources/events/}).
 *
 * @param allowed {@code access-allowed.v1} when true, else {@code access-denied.v1}
 * @param caller the caller as the gateway vouched for it
 * @param resourceTenant tenant that owns the application
 * @param application application id within the resource tenant
 * @param guest whether the caller came in (or tried to) as a guest
 * @param method HTTP method of the first request represented (allowed) or of the denial itself (denied)
 * @param path path of the first request served in the window (allowed) or of the denied request
 * @param reason why access was allowed or denied
 * @param session opaque federated session id (allowed only; see docs/topics.md)
 * @param requestCount allowed requests this event stands for, at least 1 (allowed only)
 * @param firstAt first request represented; also {@code occurredAt}
 * @param lastAt last request represented (allowed only; equals firstAt for a denial)
 * @param suppressedCount denials of the same caller and application left out since the previous emitted one
 *        (denied only)
 */
public record AccessEvent(boolean allowed, FederatedIdentity caller, String resourceTenant, String application,
        boolean guest, String method, String path, String reason, String session, int requestCount, Instant firstAt,
        Instant lastAt, int suppressedCount) {

    public static final String ALLOWED_TYPE = "org.crosstenant.gateway.access-allowed.v1";
    public static final String DENIED_TYPE = "org.crosstenant.gateway.access-denied.v1";

    /** The CloudEvents type. */
    public String type() {
        return allowed ? ALLOWED_TYPE : DENIED_TYPE;
    }

    /** The Kafka key: {@code <resource tenant>:<home tenant>} (one resource/home pair stays in order). */
    public String key() {
        return resourceTenant + ":" + caller.tenant();
    }

    /** How many HTTP requests this event accounts for: requestCount, or 1 + suppressedCount for a denial. */
    public long requests() {
        return allowed ? requestCount : 1L + suppressedCount;
    }

    /** The JSON payload as a map, fields in the documented order. */
    public Map<String, Object> payload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("resourceTenant", resourceTenant);
        payload.put("homeTenant", caller.tenant());
        payload.put("application", application);
        payload.put("subject", caller.subject());
        payload.put("email", caller.email());
        payload.put("guest", guest);
        payload.put("method", method);
        payload.put("path", path);
        payload.put("reason", reason);
        payload.put("occurredAt", firstAt.toString());
        if (allowed) {
            payload.put("requestCount", requestCount);
            payload.put("firstAt", firstAt.toString());
            payload.put("lastAt", lastAt.toString());
            payload.put("session", session);
        } else {
            payload.put("suppressedCount", suppressedCount);
        }
        return payload;
    }
}
